import type { MigrationInterface, QueryRunner } from 'typeorm';
import { SERVICE_ROLES } from './1700000000400-service-roles';

/**
 * `event_log.pod_events`: every pod event one row per pod, batches (PodsScheduled, PodStatusesChanged,
 * PodsRemoved) taken apart into the PodScheduled, PodStatusChanged and PodRemoved they hold, each under its pod's own stream name and the
 * batch's position. For the audit (a pod's history) and for operators' queries; no service reads it on a
 * hot path (it scans the pod events).
 */
export class PodEventsView1700000001000 implements MigrationInterface {
  name = 'PodEventsView1700000001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE VIEW event_log.pod_events AS
        SELECT position, event_id, stream, type, data, metadata, recorded_at
          FROM event_log.events WHERE type IN ('PodScheduled', 'PodStatusChanged', 'PodRemoved', 'PodOrphaned')
        UNION ALL
        SELECT e.position, e.event_id, 'pod-' || (m->>'namespace') || '.' || (m->>'pod'), 'PodScheduled', m, e.metadata, e.recorded_at
          FROM event_log.events e CROSS JOIN LATERAL json_array_elements(e.data->'pods') m WHERE e.type = 'PodsScheduled'
        UNION ALL
        SELECT e.position, e.event_id, 'pod-' || (m->>'namespace') || '.' || (m->>'pod'), 'PodStatusChanged', m, e.metadata, e.recorded_at
          FROM event_log.events e CROSS JOIN LATERAL json_array_elements(e.data->'statuses') m WHERE e.type = 'PodStatusesChanged'
        UNION ALL
        SELECT e.position, e.event_id, 'pod-' || (m->>'namespace') || '.' || (m->>'pod'), 'PodRemoved', m, e.metadata, e.recorded_at
          FROM event_log.events e CROSS JOIN LATERAL json_array_elements(e.data->'pods') m WHERE e.type = 'PodsRemoved'`);
    await q.query(`GRANT SELECT ON event_log.pod_events TO everynode_app, ${Object.values(SERVICE_ROLES).map((r) => r.role).join(', ')}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW event_log.pod_events`);
  }
}
