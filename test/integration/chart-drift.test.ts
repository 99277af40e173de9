/**
 * chart/ and `vcluster create --driver kubernetes` must not drift: `helm template` of the chart and the
 * functions create applies (src/drivers/kubernetes/render.ts, src/vclusters/host-objects.ts,
 * policy-objects.ts) give the same objects for the same name, namespace and config — compared object by
 * object, ignoring only what is made per install (the seed's PKI and state.json). Also `helm lint`,
 * and chart/values.yaml's config section = the vcluster.yaml defaults. helm (helm.sh/helm/v4) is built
 * from test/go/helm once.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { defaultConfig, parseConfig, renderEffectiveConfig } from '../../src/config/index.js';
import { configHash } from '../../src/drivers/kubernetes/config-hash.js';
import { controlPlaneImages } from '../../src/drivers/kubernetes/image-refs.js';
import {
  controlPlaneRbac,
  controlPlaneService,
  controlPlaneStatefulSet,
  seedSecret,
  type StorageSpec,
} from '../../src/drivers/kubernetes/render.js';
import {
  configMap,
  configSecret,
  workloadServiceAccount,
  type HostObject,
} from '../../src/vclusters/host-objects.js';
import { policyObjects } from '../../src/vclusters/policy-objects.js';
import { buildHelm, byKey, CHART_DIR, parseStream, type KubeObject } from '../support/helm.js';

const NAME = 'drift-vc';
const NS = 'drift-ns';
const CIDR = '10.96.0.0/12';

interface DriftCase {
  readonly name: string;
  /** vcluster.yaml given to both sides. */
  readonly vclusterYaml: string;
  /** The chart's own values (images, storage, nodeSelector) equal to what create derives. */
  readonly chartSet: readonly string[];
  readonly embeddedHost: boolean;
  readonly storage: StorageSpec;
  readonly nodeSelector?: Record<string, string>;
}

const cases: readonly DriftCase[] = [
  {
    name: "create's defaults on a cluster with a storage class",
    vclusterYaml: `networking: {serviceCIDR: ${CIDR}}\n`,
    chartSet: [],
    embeddedHost: false,
    storage: {},
  },
  {
    name: 'embedded-host style: pull policy Never, the real node, emptyDir data, policies off, a custom image',
    vclusterYaml: [
      `networking: {serviceCIDR: ${CIDR}}`,
      'policies: {resourceQuota: {enabled: false}, networkPolicy: {enabled: false}, limitRange: {min: {cpu: 10m}}}',
      'controlPlane: {statefulSet: {image: {registry: registry.example:5000, tag: dev}}}',
      '',
    ].join('\n'),
    chartSet: [
      'images.pullPolicy=Never',
      'nodeSelector.vcluster-ts\\.io/node-type=real',
      'storage.persistence=false',
    ],
    embeddedHost: true,
    storage: { persistence: false },
    nodeSelector: { 'vcluster-ts.io/node-type': 'real' },
  },
  {
    name: 'a pre-made PersistentVolume: storageClassName "" and another size',
    vclusterYaml: `networking: {serviceCIDR: ${CIDR}}\ncontrolPlane: {distro: {k8s: {image: {repository: mirror/kubernetes}}}}\n`,
    chartSet: ['storage.size=7Gi', 'storage.className='],
    embeddedHost: false,
    storage: { storageClassName: '', size: '7Gi' },
  },
];

/** What `vcluster create NAME -n NS --driver kubernetes` applies for this config (seed without its PKI). */
function createObjects(c: DriftCase): HostObject[] {
  const config = parseConfig(c.vclusterYaml);
  const yamlText = renderEffectiveConfig(config);
  return [
    workloadServiceAccount(NAME, NS),
    configSecret(NAME, NS, yamlText, 'embedded-database'),
    configMap(NAME, NS, yamlText),
    ...policyObjects(NAME, NS, config),
    controlPlaneService(NAME, NS),
    ...controlPlaneRbac(NAME, NS),
    seedSecret(NAME, NS, { 'config.yaml': yamlText }),
    controlPlaneStatefulSet({
      name: NAME,
      namespace: NS,
      images: controlPlaneImages(config, c.embeddedHost),
      storage: c.storage,
      ...(c.nodeSelector ? { nodeSelector: c.nodeSelector } : {}),
      configHash: configHash(yamlText),
    }),
  ];
}

/** The user's vcluster.yaml merged over the chart's config section, as `-f` does. */
function helmTemplate(helm: string, c: DriftCase): KubeObject[] {
  const values = JSON.stringify({ config: parse(c.vclusterYaml) as unknown });
  const setArgs = c.chartSet.flatMap((s) =>
    s.endsWith('=') || s.startsWith('storage.className') ? ['--set-string', s] : ['--set', s],
  );
  const out = execFileSync(helm, ['template', NAME, CHART_DIR, '-n', NS, '-f', '-', ...setArgs], {
    input: values,
    encoding: 'utf8',
    env: {
      ...process.env,
      HELM_CACHE_HOME: '/tmp/vcluster-ts-helm/cache',
      HELM_CONFIG_HOME: '/tmp/vcluster-ts-helm/config',
      HELM_DATA_HOME: '/tmp/vcluster-ts-helm/data',
    },
  });
  return parseStream(out);
}

/** Names the differing objects and fields. */
function driftReport(chart: Map<string, unknown>, create: Map<string, unknown>): string[] {
  const problems: string[] = [];
  for (const key of new Set([...chart.keys(), ...create.keys()])) {
    if (!chart.has(key)) problems.push(`${key}: made by create, missing from the chart`);
    else if (!create.has(key)) problems.push(`${key}: in the chart, not made by create`);
    else {
      try {
        assert.deepStrictEqual(chart.get(key), create.get(key));
      } catch (err) {
        problems.push(`${key} differs (actual = chart, expected = create):\n${(err as Error).message}`);
      }
    }
  }
  return problems;
}

describe('chart/ and vcluster create render the same objects', { timeout: 1_800_000 }, () => {
  let helm = '';
  before(() => {
    helm = buildHelm();
  });

  it('helm lint chart/', () => {
    const out = execFileSync(helm, ['lint', CHART_DIR, '--strict'], { encoding: 'utf8' });
    assert.match(out, /1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it("values.yaml's config section is the vcluster.yaml defaults (else: npx tsx scripts/chart-values.ts)", () => {
    const values = parse(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8')) as { config: unknown };
    assert.deepStrictEqual(values.config, parse(renderEffectiveConfig(defaultConfig())));
  });

  for (const c of cases) {
    it(c.name, () => {
      const chart = byKey(helmTemplate(helm, c));
      const create = byKey(createObjects(c));
      const problems = driftReport(chart, create);
      assert.deepEqual(problems, [], problems.join('\n\n'));
      assert.ok(chart.size >= 11, `only ${chart.size} objects compared`);
    });
  }

  it('a change on one side only is caught (the normalization hides nothing else)', () => {
    const c = cases[0]!;
    const chart = byKey(helmTemplate(helm, c));
    const changed = createObjects(c).map((o) =>
      o.kind === 'StatefulSet'
        ? { ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, extra: 'x' } } }
        : o,
    );
    const problems = driftReport(chart, byKey(changed));
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^StatefulSet\/drift-vc differs/);
  });

  it('a release name longer than a vcluster name may be (52) fails the render', () => {
    assert.throws(
      () =>
        execFileSync(helm, ['template', 'a'.repeat(53), CHART_DIR, '-n', NS], {
          encoding: 'utf8',
          stdio: 'pipe',
        }),
      /invalid vcluster \(release\) name/,
    );
  });
});
