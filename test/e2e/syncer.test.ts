/**
 * The syncer end to end on the embedded host, once per driver (the control plane as local processes,
 * and as pod NAME-0): the seed tutorial's flow (a Deployment in the vcluster
 * becomes host pods `<pod>-x-default-x-my-vcluster`, Running back in the vcluster with the host's IPs
 * and nodes, host labels flowing back), ConfigMap/Secret references and their garbage collection, the
 * mappings in SQLite, and fault tests F1 (syncer killed mid-burst), F6 (host pod deleted out of band)
 * and F13 (an unmanaged host object holding the translated name).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/lib/process.js';
import { runCli } from '../support/cli.js';
import { testBinaries } from '../support/binaries.js';
import { eventually } from '../support/wait.js';
import { killAll, pidsIn } from '../support/processes.js';
import { DRIVERS, createVCluster, type VClusterUnderTest } from '../support/vcluster-under-test.js';

const VC = 'my-vcluster';
const NS = 'test-namespace';
const SYNC_TIMEOUT_MS = 30_000;

interface PodList {
  items: { metadata: { name: string; labels?: Record<string, string> }; status: { phase?: string; podIP?: string }; spec: { nodeName?: string } }[];
}

for (const driver of DRIVERS) describe(`syncer on the embedded host (${driver} driver)`, () => {
  let home = '';
  let env: Record<string, string> = {};
  let kubectlBin = '';
  let vc: VClusterUnderTest;
  const pids = new Set<number>();
  const suite = () => ({ home, env, kubectl: kubectlBin });
  const host = async (...args: string[]): Promise<string> => (await run(kubectlBin, ['--kubeconfig', env.KUBECONFIG!, '--context', 'vcluster-host', ...args])).stdout;
  const virtual = async (...args: string[]): Promise<string> => (await run(kubectlBin, ['--kubeconfig', vc.kubeconfig, ...args])).stdout;
  const virtualApply = async (yaml: string): Promise<void> => {
    await run(kubectlBin, ['--kubeconfig', vc.kubeconfig, 'apply', '-f', '-'], { input: yaml });
  };
  const hostPods = async (selector = `vcluster.loft.sh/managed-by=${VC}`): Promise<PodList['items']> =>
    (JSON.parse(await host('get', 'pods', '-n', NS, '-l', selector, '-o', 'json')) as PodList).items;
  const virtualPods = async (selector?: string): Promise<PodList['items']> =>
    (JSON.parse(await virtual('get', 'pods', ...(selector ? ['-l', selector] : []), '-o', 'json')) as PodList).items;
  /** The nodes the vcluster's pods (every namespace) are scheduled to, sorted. */
  const nodesInUse = async (): Promise<string[]> =>
    [...new Set((await virtual('get', 'pods', '-A', '-o', 'jsonpath={.items[*].spec.nodeName}')).split(' ').filter(Boolean))].sort();
  const remember = async (): Promise<void> => {
    for (const p of [...Object.values(await pidsIn(join(home, 'host', 'pids'))), ...(vc ? await vc.pids() : [])]) pids.add(p);
  };

  before(async () => {
    kubectlBin = (await testBinaries()).path('kubectl');
    home = await mkdtemp(join(tmpdir(), `vcluster-sync-e2e-${driver}-`));
    env = { VCLUSTER_HOME: home, KUBECONFIG: join(home, 'kubeconfig') };
    const up = await runCli(['host', 'up', '--nodes', '2'], env);
    assert.equal(up.code, 0, up.stderr);
    await remember();
    // F1 bursts 200 pods: more than the default host ResourceQuota (policies.resourceQuota, count/pods 20) allows
    vc = await createVCluster(suite(), driver, VC, NS, ['--set', 'policies.resourceQuota.enabled=false']);
    await remember();
  });

  after(async () => {
    await runCli(['delete', VC, '-n', NS, '--ignore-not-found'], env);
    await runCli(['host', 'down', '--purge'], env);
    killAll(pids);
    await rm(home, { recursive: true, force: true });
  });

  it('syncs a Deployment’s pods to the host and their status, IPs and nodes back', async () => {
    await virtual('create', 'deployment', 'testapp', '--image=nginx', '--replicas=2');
    const synced = await eventually(
      '2 host pods for testapp',
      async () => {
        const pods = (await hostPods()).filter((p) => p.metadata.name.startsWith('testapp-'));
        return pods.length === 2 && pods.every((p) => p.status.phase === 'Running') ? pods : undefined;
      },
      SYNC_TIMEOUT_MS,
    );
    for (const p of synced) {
      assert.match(p.metadata.name, /^testapp-[a-z0-9]+-[a-z0-9]+-x-default-x-my-vcluster$/);
      assert.equal(p.metadata.labels?.['vcluster.loft.sh/managed-by'], VC);
      assert.equal(p.metadata.labels?.['vcluster.loft.sh/namespace'], 'default');
    }
    const vpods = await eventually(
      'virtual pods Running with host IPs',
      async () => {
        const pods = await virtualPods('app=testapp');
        return pods.length === 2 && pods.every((p) => p.status.phase === 'Running' && p.status.podIP && p.spec.nodeName) ? pods : undefined;
      },
      SYNC_TIMEOUT_MS,
    );
    for (const v of vpods) {
      const h = synced.find((p) => p.metadata.name === `${v.metadata.name}-x-default-x-${VC}`);
      assert.ok(h, `no host pod for ${v.metadata.name}`);
      assert.equal(v.status.podIP, h.status.podIP);
      assert.equal(v.spec.nodeName, h.spec.nodeName);
    }
    // a fake node for every node a tenant pod runs on (the testapp pods, and kube-system's CoreDNS where it runs), no other
    await eventually(
      'one virtual node per node that runs a tenant pod',
      async () => {
        const nodes = (await virtual('get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}')).split(' ').filter(Boolean).sort();
        const used = await nodesInUse();
        for (const p of vpods) assert.ok(nodes.includes(p.spec.nodeName!), `node ${p.spec.nodeName} of ${p.metadata.name} in the vcluster`);
        return JSON.stringify(nodes) === JSON.stringify(used) ? true : undefined;
      },
      SYNC_TIMEOUT_MS,
    );
  });

  it('copies host events about synced pods into the vcluster, with virtual names', async () => {
    const [pod] = await virtualPods('app=testapp');
    assert.ok(pod);
    const message = await eventually(
      'a Scheduled event on the virtual pod',
      async () => {
        const out = await virtual('get', 'events', '--field-selector', `involvedObject.name=${pod.metadata.name},reason=Scheduled`, '-o', 'jsonpath={.items[*].message}');
        return out || undefined;
      },
      SYNC_TIMEOUT_MS,
    );
    assert.match(message, new RegExp(`Successfully assigned default/${pod.metadata.name} to kwok-node-`));
    assert.doesNotMatch(message, /-x-default-x-/);
  });

  it('brings a label set on the host pod back to the virtual pod', async () => {
    const [pod] = await hostPods('app=testapp');
    assert.ok(pod);
    await host('label', '-n', NS, 'pod', pod.metadata.name, 'test-label=from-host');
    const virtualName = pod.metadata.name.replace(`-x-default-x-${VC}`, '');
    await eventually(
      'the host label on the virtual pod',
      async () => ((await virtual('get', 'pod', virtualName, '-o', 'jsonpath={.metadata.labels.test-label}')) === 'from-host' ? true : undefined),
      SYNC_TIMEOUT_MS,
    );
  });

  it('records the mappings in the vcluster’s SQLite database', async () => {
    const stdout = await vc.sql("SELECT name FROM kine WHERE name LIKE '/vcluster/mappings/%'");
    assert.match(stdout, /^\/vcluster\/mappings\/v1\/pod\/default\/testapp-/m);
  });

  it('syncs the ConfigMap and Secret a pod uses (env and volume), and removes them with the pod', async () => {
    await virtualApply(`
apiVersion: v1
kind: ConfigMap
metadata: {name: app-config, namespace: default}
data: {greeting: hello}
---
apiVersion: v1
kind: Secret
metadata: {name: app-secret, namespace: default}
stringData: {password: s3cret}
---
apiVersion: v1
kind: Pod
metadata: {name: uses-refs, namespace: default}
spec:
  containers:
  - name: c
    image: nginx
    env:
    - {name: GREETING, valueFrom: {configMapKeyRef: {name: app-config, key: greeting}}}
    volumeMounts: [{name: sec, mountPath: /sec}]
  volumes:
  - {name: sec, secret: {secretName: app-secret}}
`);
    const names = await eventually(
      'the ConfigMap and Secret on the host',
      async () => {
        const out = await host('get', 'configmap,secret', '-n', NS, '-o', 'name');
        return /configmap\/app-config-x-default-x-my-vcluster/.test(out) && /secret\/app-secret-x-default-x-my-vcluster/.test(out) ? out : undefined;
      },
      SYNC_TIMEOUT_MS,
    );
    assert.ok(names);
    assert.equal(await host('get', 'configmap', '-n', NS, `app-config-x-default-x-${VC}`, '-o', 'jsonpath={.data.greeting}'), 'hello');
    const hostPod = JSON.parse(await host('get', 'pod', '-n', NS, `uses-refs-x-default-x-${VC}`, '-o', 'json')) as {
      spec: { containers: { env?: { name: string; valueFrom?: { configMapKeyRef?: { name: string } } }[] }[]; volumes: { secret?: { secretName: string } }[] };
    };
    const greeting = hostPod.spec.containers[0]?.env?.find((e) => e.name === 'GREETING');
    assert.equal(greeting?.valueFrom?.configMapKeyRef?.name, `app-config-x-default-x-${VC}`);
    assert.ok(hostPod.spec.volumes.some((v) => v.secret?.secretName === `app-secret-x-default-x-${VC}`));
    await virtual('delete', 'pod', 'uses-refs');
    await eventually(
      'the ConfigMap and Secret gone from the host',
      async () => {
        const out = await host('get', 'configmap,secret', '-n', NS, '-o', 'name');
        return /app-config|app-secret|uses-refs-sa-token/.test(out) ? undefined : true;
      },
      SYNC_TIMEOUT_MS,
    );
  });

  it('gives a virtual Service the ClusterIP of its host copy; a selector-less Service with manual Endpoints works', async () => {
    await virtual('expose', 'deployment', 'testapp', '--port=80');
    await virtualApply(`
apiVersion: v1
kind: Service
metadata: {name: external-db, namespace: default}
spec:
  ports: [{name: pg, port: 5432}]
---
apiVersion: v1
kind: Endpoints
metadata: {name: external-db, namespace: default}
subsets:
- addresses: [{ip: 192.0.2.44}]
  ports: [{name: pg, port: 5432}]
`);
    for (const svc of ['testapp', 'external-db']) {
      await eventually(
        `${svc}: the same ClusterIP on both sides`,
        async () => {
          const v = await virtual('get', 'service', svc, '-o', 'jsonpath={.spec.clusterIP}');
          const h = await host('get', 'service', '-n', NS, `${svc}-x-default-x-${VC}`, '-o', 'jsonpath={.spec.clusterIP}').catch(() => '');
          return v !== '' && v === h ? v : undefined;
        },
        SYNC_TIMEOUT_MS,
      );
    }
    await eventually(
      'the manual Endpoints on the host, and still in the vcluster',
      async () => {
        const h = await host('get', 'endpoints', '-n', NS, `external-db-x-default-x-${VC}`, '-o', 'jsonpath={.subsets[0].addresses[0].ip}').catch(() => '');
        const v = await virtual('get', 'endpoints', 'external-db', '-o', 'jsonpath={.subsets[0].addresses[0].ip}').catch(() => '');
        return h === '192.0.2.44' && v === '192.0.2.44' ? true : undefined;
      },
      SYNC_TIMEOUT_MS,
    );
    await eventually(
      'host endpoints of the selector Service point at the synced pods',
      async () => ((await host('get', 'endpoints', '-n', NS, `testapp-x-default-x-${VC}`, '-o', 'jsonpath={.subsets[0].addresses[*].ip}').catch(() => '')).split(' ').length === 2 ? true : undefined),
      SYNC_TIMEOUT_MS,
    );
  });

  it('mirrors the vcluster’s host Service into default/kubernetes', async () => {
    const hostIp = await host('get', 'service', '-n', NS, VC, '-o', 'jsonpath={.spec.clusterIP}');
    assert.match(hostIp, /^\d+\.\d+\.\d+\.\d+$/);
    await eventually(
      'default/kubernetes with the host Service ClusterIP',
      async () => ((await virtual('get', 'service', 'kubernetes', '-n', 'default', '-o', 'jsonpath={.spec.clusterIP}')) === hostIp ? true : undefined),
      SYNC_TIMEOUT_MS,
    );
    assert.match(await virtual('get', 'service', 'kubernetes', '-n', 'default', '-o', 'jsonpath={.spec.ports[0].port}'), /^443$/);
  });

  it('F7: a synced host ConfigMap deleted out of band is recreated, and data changes flow to the host', async () => {
    await virtualApply(`
apiVersion: v1
kind: ConfigMap
metadata: {name: kept-config, namespace: default}
data: {mode: one}
---
apiVersion: v1
kind: Pod
metadata: {name: keeps-config, namespace: default}
spec:
  containers:
  - {name: c, image: nginx, envFrom: [{configMapRef: {name: kept-config}}]}
`);
    const hostCm = `kept-config-x-default-x-${VC}`;
    await eventually('the ConfigMap on the host', async () => ((await host('get', 'configmap', '-n', NS, hostCm, '-o', 'name').catch(() => '')) ? true : undefined), SYNC_TIMEOUT_MS);
    await host('delete', 'configmap', '-n', NS, hostCm);
    await eventually('the ConfigMap recreated', async () => ((await host('get', 'configmap', '-n', NS, hostCm, '-o', 'jsonpath={.data.mode}').catch(() => '')) === 'one' ? true : undefined), SYNC_TIMEOUT_MS);
    await virtual('patch', 'configmap', 'kept-config', '--type=merge', '-p', '{"data":{"mode":"two"}}');
    await eventually('the change on the host', async () => ((await host('get', 'configmap', '-n', NS, hostCm, '-o', 'jsonpath={.data.mode}')) === 'two' ? true : undefined), SYNC_TIMEOUT_MS);
  });

  it('syncs a PersistentVolumeClaim; when the host binds it, the virtual claim is Bound to a fake PV', async () => {
    await run(kubectlBin, ['--kubeconfig', env.KUBECONFIG!, '--context', 'vcluster-host', 'apply', '-f', '-'], {
      input: `
apiVersion: v1
kind: PersistentVolume
metadata: {name: e2e-host-pv}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  storageClassName: manual
  hostPath: {path: /tmp/e2e-host-pv}
`,
    });
    await virtualApply(`
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: default}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: manual
  resources: {requests: {storage: 1Gi}}
`);
    await eventually(
      'the host claim bound to the host PV',
      async () => ((await host('get', 'pvc', '-n', NS, `data-x-default-x-${VC}`, '-o', 'jsonpath={.status.phase}/{.spec.volumeName}').catch(() => '')) === 'Bound/e2e-host-pv' ? true : undefined),
      60_000,
    );
    await eventually(
      'the virtual claim Bound to a fake PV of the same name',
      async () => {
        const claim = await virtual('get', 'pvc', 'data', '-o', 'jsonpath={.status.phase}/{.spec.volumeName}');
        const pv = await virtual('get', 'pv', 'e2e-host-pv', '-o', 'jsonpath={.metadata.labels.vcluster\\.loft\\.sh/fake-pv}').catch(() => '');
        return claim === 'Bound/e2e-host-pv' && pv === 'true' ? true : undefined;
      },
      SYNC_TIMEOUT_MS,
    );
  });

  it('F6: a host pod deleted out of band is replaced through its controller', async () => {
    const [victim] = await hostPods('app=testapp');
    assert.ok(victim);
    await host('delete', 'pod', '-n', NS, victim.metadata.name, '--wait=false');
    await eventually(
      'two Running testapp pods again, the victim replaced',
      async () => {
        const pods = await hostPods('app=testapp');
        const running = pods.filter((p) => p.status.phase === 'Running');
        return running.length === 2 && !running.some((p) => p.metadata.name === victim.metadata.name) ? true : undefined;
      },
      SYNC_TIMEOUT_MS,
    );
    const vpods = await virtualPods('app=testapp');
    assert.equal(vpods.length, 2);
  });

  it('F13: never overwrites an unmanaged host object holding the translated name, and warns on the virtual object', async () => {
    await host('run', '-n', NS, `squatter-x-default-x-${VC}`, '--image=busybox', '--labels=owner=someone-else');
    await virtual('run', 'squatter', '--image=nginx');
    await eventually(
      'a warning event on the virtual pod',
      async () => {
        const out = await virtual('get', 'events', '--field-selector', 'involvedObject.name=squatter,type=Warning', '-o', 'jsonpath={.items[*].message}');
        return out.includes('not managed by this vcluster') ? out : undefined;
      },
      SYNC_TIMEOUT_MS,
    );
    const squatter = JSON.parse(await host('get', 'pod', '-n', NS, `squatter-x-default-x-${VC}`, '-o', 'json')) as { metadata: { labels: Record<string, string> }; spec: { containers: { image: string }[] } };
    assert.equal(squatter.metadata.labels.owner, 'someone-else');
    assert.equal(squatter.metadata.labels['vcluster.loft.sh/managed-by'], undefined);
    assert.equal(squatter.spec.containers[0]?.image, 'busybox');
    await virtual('delete', 'pod', 'squatter', '--wait=false');
    await host('delete', 'pod', '-n', NS, `squatter-x-default-x-${VC}`, '--wait=false');
  });

  it('F14: a spoofed managed-by label on a virtual object cannot claim another vcluster’s identity', async () => {
    await virtualApply(`
apiVersion: v1
kind: Pod
metadata:
  name: spoofer
  namespace: default
  labels: {vcluster.loft.sh/managed-by: other-vcluster, vcluster.loft.sh/namespace: kube-system, release: other-vcluster}
spec:
  containers: [{name: c, image: nginx}]
`);
    const hostPod = await eventually(
      'the spoofer on the host',
      async () => {
        const out = await host('get', 'pod', '-n', NS, `spoofer-x-default-x-${VC}`, '-o', 'json').catch(() => '');
        return out ? (JSON.parse(out) as { metadata: { labels: Record<string, string> } }) : undefined;
      },
      SYNC_TIMEOUT_MS,
    );
    const labels = hostPod.metadata.labels;
    assert.equal(labels['vcluster.loft.sh/managed-by'], VC, 'the real marker wins');
    assert.equal(labels['vcluster.loft.sh/namespace'], 'default');
    assert.notEqual(labels.release, 'other-vcluster');
    // The tenant's values survive only under hashed keys.
    assert.ok(Object.entries(labels).some(([k, v]) => k.startsWith('vcluster.loft.sh/label-') && v === 'other-vcluster'));
    assert.equal((await host('get', 'pods', '-n', NS, '-l', 'vcluster.loft.sh/managed-by=other-vcluster', '-o', 'name')).trim(), '');
    await virtual('delete', 'pod', 'spoofer', '--wait=false');
  });

  it('F11: concurrent host label edits converge with at most 5 syncer writes per change', async (t) => {
    const writes = async (): Promise<number> => {
      const text = await vc.metrics();
      return [...text.matchAll(/^vcluster_syncer_writes_total\{[^}]*\} (\d+)$/gm)].reduce((a, m) => a + Number(m[1]), 0);
    };
    const [pod] = await hostPods('app=testapp');
    assert.ok(pod);
    const virtualName = pod.metadata.name.replace(`-x-default-x-${VC}`, '');
    await new Promise((r) => setTimeout(r, 2_000)); // let earlier work settle
    const before = await writes();
    const changes = 10;
    await Promise.all(Array.from({ length: changes }, (_, i) => host('label', '-n', NS, 'pod', pod.metadata.name, `edit-${i}=v${i}`)));
    await eventually(
      'all host labels on the virtual pod',
      async () => {
        const labels = JSON.parse(await virtual('get', 'pod', virtualName, '-o', 'jsonpath={.metadata.labels}')) as Record<string, string>;
        return Array.from({ length: changes }, (_, i) => labels[`edit-${i}`] === `v${i}`).every(Boolean) ? true : undefined;
      },
      SYNC_TIMEOUT_MS,
    );
    await new Promise((r) => setTimeout(r, 2_000)); // no write storm after convergence
    const used = (await writes()) - before;
    t.diagnostic(`${used} syncer writes for ${changes} concurrent host label changes`);
    assert.ok(used <= changes * 5, `${used} syncer writes for ${changes} label changes`);
  });

  it(`F1: the syncer killed mid-burst of 200 pods leaves exactly one host pod per virtual pod after restart (${driver === 'local' ? 'SIGKILL of the supervisor, then resume' : 'pod NAME-0 force-deleted, recreated by its StatefulSet'})`, async () => {
    await virtual('create', 'deployment', 'burst', '--image=nginx', '--replicas=200');
    await eventually('some burst pods on the host', async () => ((await hostPods('app=burst')).length >= 20 ? true : undefined), 60_000, 100);
    await remember();
    await vc.killSyncerAndRecover();
    await remember();
    await eventually(
      '200 Running virtual pods with exactly one host pod each',
      async () => {
        const vpods = (await virtualPods('app=burst')).filter((p) => p.status.phase === 'Running');
        const hpods = await hostPods('app=burst');
        if (vpods.length !== 200 || hpods.length !== 200) return undefined;
        const expected = new Set(vpods.map((p) => `${p.metadata.name}-x-default-x-${VC}`));
        return hpods.every((h) => expected.has(h.metadata.name)) ? true : undefined;
      },
      180_000,
      1_000,
    );
    await virtual('delete', 'deployment', 'burst');
  });

  it('removes fake nodes once no tenant pod uses them', async () => {
    const before = (await virtual('get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}')).split(' ').filter(Boolean);
    await virtual('delete', 'deployments,pods', '--all', '--wait=false');
    // what is left: the nodes of kube-system's pods (CoreDNS), if any
    const left = await eventually(
      'only the nodes of the remaining pods left in the vcluster',
      async () => {
        const nodes = (await virtual('get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}')).split(' ').filter(Boolean).sort();
        return (await virtual('get', 'pods', '-n', 'default', '-o', 'name')).trim() === '' && JSON.stringify(nodes) === JSON.stringify(await nodesInUse()) ? nodes : undefined;
      },
      60_000,
      500,
    );
    assert.ok(before.some((n) => n.startsWith('kwok-node-')), `kwok nodes were in use: ${before.join(' ')}`);
    assert.ok(!left.some((n) => n.startsWith('kwok-node-')), `the kwok nodes are gone: ${left.join(' ')}`);
  });

  it('delivers service-account tokens through host pod annotations with sync.toHost.pods.useSecretsForSATokens=false', async () => {
    const tokens = await createVCluster(suite(), driver, 'tokens-vc', 'tokens-ns', ['--set', 'sync.toHost.pods.useSecretsForSATokens=false']);
    for (const p of await tokens.pids()) pids.add(p);
    try {
      const kubeconfig = tokens.kubeconfig;
      const vc = async (...args: string[]): Promise<string> => (await run(kubectlBin, ['--kubeconfig', kubeconfig, ...args])).stdout;
      // the pod gets kube-api-access (a projected token) once the default ServiceAccount exists
      await eventually('the pod created', async () => ((await vc('run', 'tok', '--image=nginx', '--restart=Never').catch(() => '')) ? true : undefined), SYNC_TIMEOUT_MS, 500);
      const hostPod = await eventually(
        'the host pod',
        async () => {
          const out = await host('get', 'pod', '-n', 'tokens-ns', 'tok-x-default-x-tokens-vc', '-o', 'json').catch(() => '');
          return out === '' ? undefined : (JSON.parse(out) as { metadata: { annotations?: Record<string, string> }; spec: { volumes?: { name: string; projected?: { sources: { downwardAPI?: { items: { fieldRef?: { fieldPath: string } }[] }; serviceAccountToken?: unknown }[] } }[] } });
        },
        SYNC_TIMEOUT_MS,
      );
      const tokenKeys = Object.keys(hostPod.metadata.annotations ?? {}).filter((k) => k.startsWith('vcluster.loft.sh/token-'));
      assert.equal(tokenKeys.length, 1, `one token annotation: ${JSON.stringify(hostPod.metadata.annotations)}`);
      assert.match(hostPod.metadata.annotations?.[tokenKeys[0] ?? ''] ?? '', /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/, 'a JWT');
      const sources = hostPod.spec.volumes?.find((v) => v.name.startsWith('kube-api-access'))?.projected?.sources ?? [];
      assert.ok(!sources.some((src) => src.serviceAccountToken !== undefined), 'no host token projection');
      const paths = sources.flatMap((src) => src.downwardAPI?.items ?? []).map((i) => i.fieldRef?.fieldPath);
      assert.ok(paths.includes(`metadata.annotations['${tokenKeys[0] ?? ''}']`), `downward API reads the token annotation: ${JSON.stringify(paths)}`);
      assert.equal((await host('get', 'secrets', '-n', 'tokens-ns', '-o', 'name')).includes('sa-token'), false, 'no token Secret on the host');
      const virtualAnnotations = await vc('get', 'pod', 'tok', '-o', 'jsonpath={.metadata.annotations}');
      assert.equal(virtualAnnotations.includes('vcluster.loft.sh/token-'), false, 'the token never comes back to the virtual pod');
    } finally {
      await runCli(['delete', 'tokens-vc', '-n', 'tokens-ns'], env);
    }
  });

  it('mirrors real host nodes with sync.fromHost.nodes', async () => {
    const mirror = await createVCluster(suite(), driver, 'nodes-vc', 'nodes-ns', ['--set', 'sync.fromHost.nodes.enabled=true', '--set', 'sync.fromHost.nodes.selector.all=true']);
    for (const p of await mirror.pids()) pids.add(p);
    try {
      const kubeconfig = mirror.kubeconfig;
      const nodes = await eventually(
        'the host nodes in the vcluster',
        async () => {
          const out = (await run(kubectlBin, ['--kubeconfig', kubeconfig, 'get', 'nodes', '-l', 'type=kwok', '-o', 'jsonpath={.items[*].metadata.name}'])).stdout;
          return out.split(' ').filter(Boolean).length === 2 ? out : undefined;
        },
        SYNC_TIMEOUT_MS,
      );
      assert.deepEqual(nodes.split(' ').sort(), ['kwok-node-0', 'kwok-node-1']);
    } finally {
      await runCli(['delete', 'nodes-vc', '-n', 'nodes-ns'], env);
    }
  });
});
