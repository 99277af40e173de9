/** The default ginkgo focus of the differential run (issue 17's six specs) and its regexp. Pure. */

/** Spec texts as ginkgo prints them (without the trailing ` [Conformance]` and other tags). */
export const DEFAULT_SPECS: readonly string[] = [
  '[sig-apps] Job with successPolicy should succeeded when all indexes succeeded',
  '[sig-apps] Job should manage the lifecycle of a job',
  '[sig-apps] Job should create pods for an Indexed job with completion indexes and specified hostname',
  '[sig-apps] Job should run a job to completion when tasks sometimes fail and are locally restarted',
  '[sig-node] RuntimeClass should schedule a Pod requesting a RuntimeClass without PodOverhead',
  '[sig-node] RuntimeClass should schedule a Pod requesting a RuntimeClass and initialize its Overhead',
];

/** Escapes RE2 (Go regexp) metacharacters. */
export function escapeRegexp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

/** One regexp matching any of the given spec texts (each as a literal prefix-free substring). */
export function focusFor(specs: readonly string[]): string {
  return specs.map(escapeRegexp).join('|');
}
