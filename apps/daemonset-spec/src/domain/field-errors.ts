// field.ErrorList of k8s.io/apimachinery: every cause carries upstream's reason and its ErrorBody
// (the message without the field), values already rendered Go-style by the caller.
import type { StatusCause } from '@everynode/contracts';
import { goQuote } from './go-format';

export type CauseReason =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueNotFound';

const withDetail = (body: string, detail: string) => (detail ? `${body}: ${detail}` : body);

export class FieldErrors {
  readonly causes: StatusCause[] = [];

  private add(reason: CauseReason, field: string, message: string): void {
    this.causes.push({ reason, message, field });
  }

  required(field: string, detail = ''): void {
    this.add('FieldValueRequired', field, withDetail('Required value', detail));
  }

  /** `value` is already rendered: goQuote for strings, String(n) for numbers, %#v for the rest. */
  invalid(field: string, value: string, detail: string): void {
    this.add('FieldValueInvalid', field, withDetail(`Invalid value: ${value}`, detail));
  }

  /** One Invalid cause per message, as the `for _, msg := range IsX(v)` loops do. */
  invalidEach(field: string, value: string, messages: string[]): void {
    for (const m of messages) this.invalid(field, goQuote(value), m);
  }

  notSupported(field: string, value: string, supported: string[]): void {
    this.add('FieldValueNotSupported', field, withDetail(`Unsupported value: ${value}`, supported.length ? `supported values: ${supported.map(goQuote).join(', ')}` : ''));
  }

  duplicate(field: string, value: string): void {
    this.add('FieldValueDuplicate', field, `Duplicate value: ${value}`);
  }

  forbidden(field: string, detail: string): void {
    this.add('FieldValueForbidden', field, withDetail('Forbidden', detail));
  }

  tooLong(field: string, maxBytes: number): void {
    this.add('FieldValueTooLong', field, `Too long: must have at most ${maxBytes} bytes`);
  }

  notFound(field: string, value: string): void {
    this.add('FieldValueNotFound', field, `Not found: ${value}`);
  }
}
