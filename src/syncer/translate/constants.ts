/**
 * The Kubernetes keys vCluster puts on host objects (vcluster-behavior.md §1.4, §1.5). They are
 * part of the product's contract with users and tools, so they are spelled exactly as vCluster does.
 */

// Labels
export const MARKER_LABEL = 'vcluster.loft.sh/managed-by';
export const NAMESPACE_LABEL = 'vcluster.loft.sh/namespace';
export const CONTROLLER_LABEL = 'vcluster.loft.sh/controlled-by';
export const LABEL_PREFIX = 'vcluster.loft.sh/label';
export const NAMESPACE_LABEL_PREFIX = 'vcluster.loft.sh/ns-label';
export const RELEASE_LABEL = 'release';
export const K8S_SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** Virtual label keys that are hashed on the host so a tenant cannot spoof the markers. */
export const RESERVED_LABEL_KEYS: readonly string[] = [
  RELEASE_LABEL,
  NAMESPACE_LABEL,
  MARKER_LABEL,
  CONTROLLER_LABEL,
];

// Annotations
export const NAME_ANNOTATION = 'vcluster.loft.sh/object-name';
export const NAMESPACE_ANNOTATION = 'vcluster.loft.sh/object-namespace';
export const UID_ANNOTATION = 'vcluster.loft.sh/object-uid';
export const KIND_ANNOTATION = 'vcluster.loft.sh/object-kind';
export const HOST_NAME_ANNOTATION = 'vcluster.loft.sh/object-host-name';
export const HOST_NAMESPACE_ANNOTATION = 'vcluster.loft.sh/object-host-namespace';
export const MANAGED_ANNOTATIONS_ANNOTATION = 'vcluster.loft.sh/managed-annotations';
export const MANAGED_LABELS_ANNOTATION = 'vcluster.loft.sh/managed-labels';
export const IMPORTED_ANNOTATION = 'vcluster.loft.sh/object-imported';
export const SKIP_BACKSYNC_ANNOTATION = 'vcluster.loft.sh/skip-backsync';
export const FORCE_SYNC_ANNOTATION = 'vcluster.loft.sh/force-sync';
export const SKIP_TRANSLATE_ANNOTATION = 'vcluster.loft.sh/skip-translate';
export const BLOCK_DELETION_ANNOTATION = 'vcluster.loft.sh/block-deletion';
export const HOST_PV_ANNOTATION = 'vcluster.loft.sh/host-pv';

/** Bookkeeping annotations that are never copied between the two sides. */
export const BOOKKEEPING_ANNOTATIONS: readonly string[] = [
  NAME_ANNOTATION,
  NAMESPACE_ANNOTATION,
  UID_ANNOTATION,
  KIND_ANNOTATION,
  HOST_NAME_ANNOTATION,
  HOST_NAMESPACE_ANNOTATION,
  MANAGED_ANNOTATIONS_ANNOTATION,
  MANAGED_LABELS_ANNOTATION,
];

/** The longest name a DNS-1123 label (and so most host object names) may have. */
export const MAX_NAME_LENGTH = 63;
