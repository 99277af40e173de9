/**
 * The kwok Stage objects the embedded host runs with (kwok v0.8.0 has no built-in stages): nodes become
 * Ready, bound pods get IPs and become Running and Ready, Job pods (also those a vcluster synced) complete,
 * and deleted pods go away.
 * Templates are Go text/template evaluated by kwok against the object. Pure.
 */
import { stringify } from 'yaml';

interface StageSpec {
  readonly name: string;
  readonly kind: 'Pod' | 'Node';
  readonly match: readonly { key: string; operator: string; values?: readonly string[] }[];
  readonly next: Record<string, unknown>;
}

const NODE_READY_STATUS = `{{ $now := Now }}
conditions:
{{ range $t := list "MemoryPressure" "DiskPressure" "PIDPressure" "NetworkUnavailable" }}
- type: {{ $t }}
  status: "False"
  reason: KwokSimulated
  message: simulated by kwok
  lastHeartbeatTime: {{ $now | Quote }}
  lastTransitionTime: {{ $now | Quote }}
{{ end }}
- type: Ready
  status: "True"
  reason: KubeletReady
  message: simulated by kwok
  lastHeartbeatTime: {{ $now | Quote }}
  lastTransitionTime: {{ $now | Quote }}
phase: Running
`;

const POD_RUNNING_STATUS = `{{ $now := Now }}
conditions:
{{ range $t := list "PodScheduled" "Initialized" "ContainersReady" "Ready" }}
- type: {{ $t }}
  status: "True"
  lastTransitionTime: {{ $now | Quote }}
{{ end }}
{{ range .spec.readinessGates }}
- type: {{ .conditionType | Quote }}
  status: "True"
  lastTransitionTime: {{ $now | Quote }}
{{ end }}
containerStatuses:
{{ range .spec.containers }}
- name: {{ .name | Quote }}
  image: {{ .image | Quote }}
  imageID: {{ printf "kwok://%s" .image | Quote }}
  containerID: {{ printf "kwok://%s" .name | Quote }}
  ready: true
  started: true
  restartCount: 0
  state:
    running:
      startedAt: {{ $now | Quote }}
{{ end }}
initContainerStatuses:
{{ range .spec.initContainers }}
- name: {{ .name | Quote }}
  image: {{ .image | Quote }}
  ready: true
  restartCount: 0
  state:
    terminated:
      exitCode: 0
      reason: Completed
      startedAt: {{ $now | Quote }}
      finishedAt: {{ $now | Quote }}
{{ end }}
{{ with NodeIPsWith .spec.nodeName }}
hostIP: {{ index . 0 | Quote }}
hostIPs:
{{ range . }}
- ip: {{ . | Quote }}
{{ end }}
{{ end }}
{{ with PodIPsWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) }}
podIP: {{ index . 0 | Quote }}
podIPs:
{{ range . }}
- ip: {{ . | Quote }}
{{ end }}
{{ end }}
phase: Running
startTime: {{ $now | Quote }}
`;

const POD_SUCCEEDED_STATUS = `{{ $now := Now }}
conditions:
- type: Ready
  status: "False"
  reason: PodCompleted
  lastTransitionTime: {{ $now | Quote }}
- type: ContainersReady
  status: "False"
  reason: PodCompleted
  lastTransitionTime: {{ $now | Quote }}
containerStatuses:
{{ range .spec.containers }}
- name: {{ .name | Quote }}
  image: {{ .image | Quote }}
  ready: false
  started: false
  restartCount: 0
  state:
    terminated:
      exitCode: 0
      reason: Completed
      finishedAt: {{ $now | Quote }}
{{ end }}
phase: Succeeded
`;

/** The kinds in a synced pod's `vcluster.loft.sh/owner-references` annotation (JSON; none when absent or invalid). */
const VCLUSTER_OWNER_KINDS =
  '.metadata.annotations["vcluster.loft.sh/owner-references"] // "[]" | try fromjson catch [] | .[]?.kind?';

export const HOST_STAGES: readonly StageSpec[] = [
  {
    name: 'node-ready',
    kind: 'Node',
    match: [{ key: '.status.conditions.[] | select( .type == "Ready" ) | .status', operator: 'NotIn', values: ['True'] }],
    next: { statusTemplate: NODE_READY_STATUS },
  },
  {
    name: 'pod-running',
    kind: 'Pod',
    match: [
      { key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' },
      { key: '.status.phase', operator: 'In', values: ['Pending'] },
      { key: '.status.conditions.[] | select( .type == "Ready" ) | .status', operator: 'NotIn', values: ['True'] },
    ],
    next: { statusTemplate: POD_RUNNING_STATUS },
  },
  {
    name: 'pod-job-succeeded',
    kind: 'Pod',
    match: [
      { key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' },
      { key: '.status.phase', operator: 'In', values: ['Running'] },
      { key: '.metadata.ownerReferences.[].kind', operator: 'In', values: ['Job'] },
    ],
    next: { statusTemplate: POD_SUCCEEDED_STATUS },
  },
  {
    // A Job pod of a vcluster: the syncer keeps the virtual owner in an annotation, not in ownerReferences.
    name: 'pod-vcluster-job-succeeded',
    kind: 'Pod',
    match: [
      { key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' },
      { key: '.status.phase', operator: 'In', values: ['Running'] },
      { key: VCLUSTER_OWNER_KINDS, operator: 'In', values: ['Job'] },
    ],
    next: { statusTemplate: POD_SUCCEEDED_STATUS },
  },
  {
    name: 'pod-deleted',
    kind: 'Pod',
    match: [{ key: '.metadata.deletionTimestamp', operator: 'Exists' }],
    next: { delete: true },
  },
];

/** The stages as a multi-document YAML file for `kwok --config`. */
export function renderKwokStages(stages: readonly StageSpec[] = HOST_STAGES): string {
  return stages
    .map((s) =>
      stringify({
        apiVersion: 'kwok.x-k8s.io/v1alpha1',
        kind: 'Stage',
        metadata: { name: s.name },
        spec: { resourceRef: { apiGroup: 'v1', kind: s.kind }, selector: { matchExpressions: s.match }, next: s.next },
      }),
    )
    .join('---\n');
}
