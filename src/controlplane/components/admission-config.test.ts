import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { POD_SECURITY_STANDARDS } from '../../config/index.js';
import { renderAdmissionConfig } from './admission-config.js';

interface Rendered {
  apiVersion: string;
  kind: string;
  plugins: {
    name: string;
    configuration: {
      apiVersion: string;
      kind: string;
      defaults: Record<string, string>;
      exemptions: Record<string, unknown[]>;
    };
  }[];
}

describe('renderAdmissionConfig', () => {
  for (const level of POD_SECURITY_STANDARDS) {
    it(`${level}: enforce, audit and warn at ${level}, latest version, no exemptions`, () => {
      const doc = parse(renderAdmissionConfig(level)) as Rendered;
      assert.equal(doc.apiVersion, 'apiserver.config.k8s.io/v1');
      assert.equal(doc.kind, 'AdmissionConfiguration');
      assert.equal(doc.plugins.length, 1);
      const plugin = doc.plugins[0]!;
      assert.equal(plugin.name, 'PodSecurity');
      assert.equal(plugin.configuration.apiVersion, 'pod-security.admission.config.k8s.io/v1');
      assert.equal(plugin.configuration.kind, 'PodSecurityConfiguration');
      assert.deepEqual(plugin.configuration.defaults, {
        enforce: level,
        'enforce-version': 'latest',
        audit: level,
        'audit-version': 'latest',
        warn: level,
        'warn-version': 'latest',
      });
      assert.deepEqual(plugin.configuration.exemptions, { usernames: [], runtimeClasses: [], namespaces: [] });
    });
  }
});
