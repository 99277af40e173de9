import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PodSecurityStandard } from '../../../config/index.js';
import type { Pod } from '../../../k8s/types.js';
import type { Container, PodSpec } from '../../../k8s/types.js';
import { podSecurityMessage, podSecurityViolations } from './security.js';

/** A pod that passes `restricted`; each case changes one thing. */
function restrictedContainer(name: string, extra: Partial<Container> = {}): Container {
  return {
    name,
    image: 'busybox',
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      ...(extra.securityContext ?? {}),
    },
    ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'securityContext')),
  };
}

function pod(spec: Partial<PodSpec> = {}, annotations?: Record<string, string>): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', ...(annotations ? { annotations } : {}) },
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [restrictedContainer('app')],
      ...spec,
    },
  };
}

/** A plain pod as most tenants write it: passes baseline, fails restricted. */
const plain: Pod = { metadata: { name: 'nginx' }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } };

interface Case {
  readonly name: string;
  readonly pod: Pod;
  readonly baseline: readonly string[];
  /** @default the baseline violations */
  readonly restricted?: readonly string[];
}

const cases: Case[] = [
  { name: 'a restricted pod', pod: pod(), baseline: [] },
  {
    name: 'a plain nginx pod',
    pod: plain,
    baseline: [],
    restricted: [
      'capabilities.drop must include "ALL" for container "nginx"',
      'seccompProfile must be RuntimeDefault or Localhost (on the pod or the container) for container "nginx"',
      'allowPrivilegeEscalation must be false for container "nginx"',
      'runAsNonRoot must be true (on the pod or the container) for container "nginx"',
    ],
  },
  {
    name: 'host namespaces',
    pod: pod({ hostNetwork: true, hostPID: true, hostIPC: true }),
    baseline: ['hostNetwork is not allowed', 'hostPID is not allowed', 'hostIPC is not allowed'],
  },
  { name: 'hostNetwork false is fine', pod: pod({ hostNetwork: false }), baseline: [] },
  {
    name: 'privileged container',
    pod: pod({ containers: [restrictedContainer('app', { securityContext: { privileged: true } })] }),
    baseline: ['privileged is not allowed for container "app"'],
  },
  {
    name: 'privileged init and ephemeral containers',
    pod: pod({
      initContainers: [restrictedContainer('init', { securityContext: { privileged: true } })],
      ephemeralContainers: [{ ...restrictedContainer('debug', { securityContext: { privileged: true } }), targetContainerName: 'app' }],
    }),
    baseline: ['privileged is not allowed for container "init"', 'privileged is not allowed for container "debug"'],
  },
  {
    name: 'hostPath volumes',
    pod: pod({ volumes: [{ name: 'root', hostPath: { path: '/' } }, { name: 'tmp', emptyDir: {} }] }),
    baseline: ['hostPath volume "root" is not allowed'],
    restricted: ['hostPath volume "root" is not allowed'],
  },
  {
    name: 'two hostPath volumes',
    pod: pod({ volumes: [{ name: 'a', hostPath: { path: '/a' } }, { name: 'b', hostPath: { path: '/b' } }] }),
    baseline: ['hostPath volumes "a", "b" are not allowed'],
    restricted: ['hostPath volume "a" is not allowed', 'hostPath volume "b" is not allowed'],
  },
  {
    name: 'capabilities beyond the baseline set',
    pod: pod({
      containers: [
        restrictedContainer('app', { securityContext: { capabilities: { drop: ['ALL'], add: ['NET_ADMIN', 'CHOWN', 'SYS_ADMIN'] } } }),
      ],
    }),
    baseline: ['adding capabilities "NET_ADMIN", "SYS_ADMIN" is not allowed for container "app"'],
    restricted: ['adding "NET_ADMIN", "CHOWN", "SYS_ADMIN" is not allowed for container "app"'],
  },
  {
    name: 'baseline capabilities only',
    pod: pod({ containers: [restrictedContainer('app', { securityContext: { capabilities: { drop: ['ALL'], add: ['CHOWN', 'NET_BIND_SERVICE'] } } })] }),
    baseline: [],
    restricted: ['adding "CHOWN" is not allowed for container "app"'],
  },
  {
    name: 'NET_BIND_SERVICE with drop ALL passes restricted',
    pod: pod({ containers: [restrictedContainer('app', { securityContext: { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } })] }),
    baseline: [],
  },
  {
    name: 'hostPort',
    pod: pod({ containers: [restrictedContainer('app', { ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81, hostPort: 0 }] })] }),
    baseline: ['hostPort 8080 is not allowed for container "app"'],
  },
  {
    name: 'probe host',
    pod: pod({
      containers: [restrictedContainer('app', { livenessProbe: { httpGet: { host: '10.0.0.1', port: 80 } }, lifecycle: { preStop: { tcpSocket: { host: 'db', port: 5432 } } } })],
    }),
    baseline: ['probe or lifecycle host "10.0.0.1", "db" is not allowed for container "app"'],
  },
  {
    name: 'procMount Unmasked',
    pod: pod({ containers: [restrictedContainer('app', { securityContext: { procMount: 'Unmasked' } })] }),
    baseline: ['procMount "Unmasked" is not allowed for container "app"'],
  },
  {
    name: 'procMount Unmasked in a user namespace: baseline allows, restricted does not',
    pod: pod({ hostUsers: false, containers: [restrictedContainer('app', { securityContext: { procMount: 'Unmasked' } })] }),
    baseline: [],
    restricted: ['procMount "Unmasked" is not allowed for container "app"'],
  },
  {
    name: 'SELinux user and a foreign type',
    pod: pod({
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, seLinuxOptions: { type: 'spc_t', user: 'system_u' } },
    }),
    baseline: ['seLinuxOptions type "spc_t", user are not allowed for the pod'],
  },
  { name: 'SELinux container_t', pod: pod({ containers: [restrictedContainer('app', { securityContext: { seLinuxOptions: { type: 'container_t' } } })] }), baseline: [] },
  {
    name: 'seccomp Unconfined',
    pod: pod({ containers: [restrictedContainer('app', { securityContext: { seccompProfile: { type: 'Unconfined' } } })] }),
    baseline: ['seccompProfile "Unconfined" is not allowed for container "app"'],
  },
  {
    name: 'AppArmor unconfined, by field and by annotation',
    pod: pod(
      { containers: [restrictedContainer('app', { securityContext: { appArmorProfile: { type: 'Unconfined' } } })] },
      { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined', 'container.apparmor.security.beta.kubernetes.io/ok': 'runtime/default' },
    ),
    baseline: [
      'AppArmor profile "Unconfined" is not allowed for container "app"',
      'AppArmor annotation container.apparmor.security.beta.kubernetes.io/app="unconfined" is not allowed',
    ],
  },
  {
    name: 'unsafe sysctls',
    pod: pod({
      securityContext: {
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
        sysctls: [{ name: 'net.ipv4.tcp_syncookies', value: '1' }, { name: 'kernel.msgmax', value: '1' }],
      },
    }),
    baseline: ['sysctl "kernel.msgmax" is not allowed'],
  },
  {
    name: 'windows hostProcess',
    pod: pod({ containers: [restrictedContainer('app', { securityContext: { windowsOptions: { hostProcess: true } } })] }),
    baseline: ['windowsOptions.hostProcess is not allowed for container "app"'],
  },
  {
    name: 'restricted: nfs volume, root user, no seccomp',
    pod: pod({
      securityContext: { runAsNonRoot: true },
      volumes: [{ name: 'share', nfs: { server: 'nfs', path: '/' } }],
      containers: [restrictedContainer('app', { securityContext: { runAsUser: 0 } })],
    }),
    baseline: [],
    restricted: [
      'nfs volume "share" is not allowed',
      'seccompProfile must be RuntimeDefault or Localhost (on the pod or the container) for container "app"',
      'runAsUser=0 is not allowed for container "app"',
    ],
  },
  {
    name: 'restricted: runAsNonRoot=false on the pod',
    pod: pod({ securityContext: { runAsNonRoot: false, seccompProfile: { type: 'RuntimeDefault' } } }),
    baseline: [],
    restricted: ['runAsNonRoot=false is not allowed for the pod', 'runAsNonRoot must be true (on the pod or the container) for container "app"'],
  },
  {
    name: 'the issue\'s pod: hostNetwork, privileged, hostPath /',
    pod: {
      metadata: { name: 'escape' },
      spec: {
        hostNetwork: true,
        containers: [{ name: 'sh', image: 'busybox', securityContext: { privileged: true }, volumeMounts: [{ name: 'root', mountPath: '/host' }] }],
        volumes: [{ name: 'root', hostPath: { path: '/' } }],
      },
    },
    baseline: ['hostNetwork is not allowed', 'privileged is not allowed for container "sh"', 'hostPath volume "root" is not allowed'],
    restricted: [
      'hostNetwork is not allowed',
      'privileged is not allowed for container "sh"',
      'capabilities.drop must include "ALL" for container "sh"',
      'hostPath volume "root" is not allowed',
      'seccompProfile must be RuntimeDefault or Localhost (on the pod or the container) for container "sh"',
      'allowPrivilegeEscalation must be false for container "sh"',
      'runAsNonRoot must be true (on the pod or the container) for container "sh"',
    ],
  },
];

describe('podSecurityViolations', () => {
  for (const c of cases) {
    it(`baseline: ${c.name}`, () => assert.deepEqual(podSecurityViolations(c.pod, 'baseline'), c.baseline));
    it(`restricted: ${c.name}`, () => assert.deepEqual(podSecurityViolations(c.pod, 'restricted'), c.restricted ?? c.baseline));
    it(`privileged: ${c.name}`, () => assert.deepEqual(podSecurityViolations(c.pod, 'privileged'), []));
  }
  it('a pod without a spec has nothing to check', () => assert.deepEqual(podSecurityViolations({ metadata: { name: 'x' } }, 'restricted'), []));
  it('does not change its input', () => {
    const input = cases[cases.length - 1]!.pod;
    const before = JSON.stringify(input);
    podSecurityViolations(input, 'restricted');
    assert.equal(JSON.stringify(input), before);
  });
});

describe('podSecurityMessage', () => {
  const messages: { violations: string[]; level: PodSecurityStandard; want: string }[] = [
    {
      violations: ['hostNetwork is not allowed'],
      level: 'baseline',
      want: 'hostNetwork is not allowed (policies.podSecurityStandard=baseline)',
    },
    {
      violations: ['hostNetwork is not allowed', 'privileged is not allowed for container "sh"'],
      level: 'restricted',
      want: 'hostNetwork is not allowed; privileged is not allowed for container "sh" (policies.podSecurityStandard=restricted)',
    },
  ];
  for (const m of messages) it(m.want, () => assert.equal(podSecurityMessage(m.violations, m.level), m.want));
});
