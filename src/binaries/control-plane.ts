/** The upstream binaries a virtual cluster's control plane runs (kine is our own). */
import type { BinaryName } from './versions.js';

export const CONTROL_PLANE_BINARIES: readonly BinaryName[] = ['kube-apiserver', 'kube-controller-manager', 'kubectl'];
