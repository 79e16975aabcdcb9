import { RelayCheckpoint1700000000100, RelayPublishingTo1700000000600 } from '../libs/messaging/src/relay/relay.migration';
import { EventLog1700000000000 } from './1700000000000-event-log';
import { ServiceProjections1700000000200 } from './1700000000200-service-projections';
import { Namespaces1700000000300 } from './1700000000300-namespaces';
import { ServiceRoles1700000000400 } from './1700000000400-service-roles';
import { TypePositionIndex1700000000500 } from './1700000000500-type-position-index';
import { AppendChecks1700000000700 } from './1700000000700-append-checks';
import { DropPlacementsGuard1700000000800 } from './1700000000800-drop-placements-guard';
import { EventPayloadsAsJson1700000000900 } from './1700000000900-event-payloads-as-json';
import { PodEventsView1700000001000 } from './1700000001000-pod-events-view';

export { SERVICE_ROLES } from './1700000000400-service-roles';

/** Every migration, in order. Services run them at start (`migrate()` in @everynode/platform). */
export const MIGRATIONS = [EventLog1700000000000, RelayCheckpoint1700000000100, ServiceProjections1700000000200, Namespaces1700000000300, ServiceRoles1700000000400, TypePositionIndex1700000000500, RelayPublishingTo1700000000600, AppendChecks1700000000700, DropPlacementsGuard1700000000800, EventPayloadsAsJson1700000000900, PodEventsView1700000001000];
