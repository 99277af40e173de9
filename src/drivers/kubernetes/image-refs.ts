/**
 * Which images the kubernetes driver's pod runs: the project's own (vcluster-ts.local/…, built and, on
 * the embedded host, loaded into the real node by `create`) unless vcluster.yaml names others with
 * vCluster's keys — controlPlane.statefulSet.image (the syncer container) and
 * controlPlane.distro.k8s.image (the init container with kube-apiserver and kube-controller-manager),
 * each {registry, repository, tag} — e.g. the user's registry after `vcluster image build --output-dir`
 * and a push. Pure.
 */
import type { Config } from '../../config/index.js';
import { IMAGE_REFS } from '../../images/catalog.js';
import type { ControlPlaneImages } from './render.js';

export interface ImageParts {
  readonly registry: string;
  readonly repository: string;
  readonly tag: string;
}

/** `ref`'s parts overridden by the non-empty parts of `custom`; "" registry means none (docker.io style refs). */
export function imageRef(defaultRef: string, custom: ImageParts): string {
  if (!custom.registry && !custom.repository && !custom.tag) return defaultRef;
  const colon = defaultRef.lastIndexOf(':');
  const slash = defaultRef.indexOf('/');
  const defaults = { registry: defaultRef.slice(0, slash), repository: defaultRef.slice(slash + 1, colon), tag: defaultRef.slice(colon + 1) };
  const registry = custom.registry || (custom.repository ? '' : defaults.registry);
  const repository = custom.repository || defaults.repository;
  const tag = custom.tag || defaults.tag;
  return `${registry ? `${registry.replace(/\/+$/, '')}/` : ''}${repository}:${tag}`;
}

export interface ResolvedImages extends ControlPlaneImages {
  /** The project's own images: `create` builds them and loads them into the embedded host's real node. */
  readonly builtIn: { readonly controlPlane: boolean; readonly kubernetes: boolean };
}

/**
 * The pod's images. On the embedded host images only ever come from loading (pull policy Never, so a
 * node never resolves a registry name); elsewhere IfNotPresent.
 */
export function controlPlaneImages(config: Config, embeddedHost: boolean): ResolvedImages {
  const controlPlane = imageRef(IMAGE_REFS['vcluster-ts'], config.controlPlane.statefulSet.image);
  const kubernetes = imageRef(IMAGE_REFS.kubernetes, config.controlPlane.distro.k8s.image);
  return {
    controlPlane,
    kubernetes,
    pullPolicy: embeddedHost ? 'Never' : 'IfNotPresent',
    builtIn: { controlPlane: controlPlane === IMAGE_REFS['vcluster-ts'], kubernetes: kubernetes === IMAGE_REFS.kubernetes },
  };
}
