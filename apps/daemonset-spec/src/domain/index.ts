// The pure manifest domain of the daemonset-spec service: parse, strict-decode, default, validate, hash.
export { alreadyExists, badRequest, conflict, internal, invalid, KubeStatusError, notFound, unsupportedMediaType } from './kube-status';
export { MAX_ALIAS_COUNT, MAX_DEPTH, parseManifest } from './manifest.parser';
export { strictDecodeDaemonSet, type DecodeOptions, type FieldValidation } from './strict-decode';
export { validateDaemonSet } from './daemonset.validator';
export { applyDefaults } from './daemonset.defaults';
export { canonicalJson, templateHash } from './template-hash';
export { podName } from './pod-name';
export { formatLabels, formatSelector, selectorMatches } from './label-selector';
export { compareQuantities, parseQuantity, parseQuantityValue, QUANTITY_FORMAT_ERROR, QuantityError, type Quantity, type QuantityFormat } from './quantity';
export { refuseUnstorableText, unstorableText } from './storable-text';
