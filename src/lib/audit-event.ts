// The shape of one recorded event, shared by the layer that records it (the
// ledger service) and the lower layers that emit it (the kernel's egress
// proxy), which may not import a service. `detail` holds facts, never
// secret values.

/** What happened and what was decided. */
export interface AuditEvent {
  /** The acting agent's AID, or "system". */
  agent: string;
  /** AIDs from the root ancestor down to the agent's parent; [] for roots and system. */
  lineage: string[];
  /** Event family: lifecycle, action, vault, router, governance, manifest, net, system. */
  kind: string;
  /** What was attempted, e.g. "fs.read", "transition", "secret.inject". */
  action: string;
  /** What it was attempted on: a path, host, secret name, AID. */
  target: string;
  /** allow, deny, pending, ok, error, info... */
  decision: string;
  detail: Record<string, unknown>;
}
