import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INSTALL_TIMEOUT_MS, REPO_ROOT, type SchemaResult, ensureTools, run } from './deploy-tools';

const CHECK_DIR = join(REPO_ROOT, 'var', 'deploy-check');

/** A CRD with the OpenAPI extensions that the converter has to translate. */
const WIDGET_CRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: widgets.example.org }
spec:
  group: example.org
  names: { kind: Widget, plural: widgets }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [size]
              x-kubernetes-validations:
                - rule: self.size > 0
              properties:
                size: { type: integer, minimum: 1, maximum: 10, exclusiveMaximum: true }
                port: { x-kubernetes-int-or-string: true }
                note: { type: string, nullable: true }
                extra: { type: object, x-kubernetes-preserve-unknown-fields: true, properties: { known: { type: string } } }
                choice:
                  type: object
                  properties: { a: { type: string }, b: { type: string } }
                  oneOf: [{ required: [a] }, { required: [b] }]
`;

let folder: string;

beforeAll(() => {
  ensureTools();
  folder = mkdtempSync(join(tmpdir(), 'schemacheck-'));
  mkdirSync(join(folder, 'crds'));
  writeFileSync(join(folder, 'crds', 'widgets.yaml'), WIDGET_CRD);
}, INSTALL_TIMEOUT_MS);

afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Validates one YAML document with schemacheck and returns its result. */
function check(manifest: string): SchemaResult {
  const file = join(folder, 'manifest.yaml');
  writeFileSync(file, manifest);
  const result = run(join(CHECK_DIR, 'bin', 'schemacheck'), [
    '-core',
    join(CHECK_DIR, 'schemas', 'kubernetes'),
    '-crds',
    join(folder, 'crds'),
    file,
  ]);
  if (result.status === 2) {
    throw new Error(`schemacheck could not run: ${result.stderr}`);
  }

  return JSON.parse(result.stdout.trim().split('\n')[0]) as SchemaResult;
}

function widget(spec: string): string {
  return `apiVersion: example.org/v1\nkind: Widget\nmetadata: { name: w }\nspec: ${spec}\n`;
}

describe('schemacheck', () => {
  describe('custom resources', () => {
    it('accepts a valid widget', () => {
      const result = check(widget('{ size: 3, port: http, note: null, extra: { known: a, other: 1 }, choice: { a: alpha } }'));

      expect(result.errors).toBeUndefined();
      expect(result.status).toBe('valid');
      expect(result.celRules).toBe(1);
    });

    it('accepts an integer port', () => {
      expect(check(widget('{ size: 3, port: 8080 }')).status).toBe('valid');
    });

    it('rejects an unknown field', () => {
      const result = check(widget('{ size: 3, colour: red }'));

      expect(result.status).toBe('invalid');
      expect(result.errors).toEqual(["/spec: additional properties 'colour' not allowed"]);
    });

    it('rejects a missing required field', () => {
      expect(check(widget('{ port: 1 }')).status).toBe('invalid');
    });

    it('rejects the exclusive maximum', () => {
      expect(check(widget('{ size: 10 }')).status).toBe('invalid');
    });

    it('rejects a boolean port', () => {
      expect(check(widget('{ size: 1, port: true }')).status).toBe('invalid');
    });

    it('applies oneOf without closing the object', () => {
      expect(check(widget('{ size: 1, choice: { b: beta } }')).status).toBe('valid');
      expect(check(widget('{ size: 1, choice: { a: alpha, b: beta } }')).status).toBe('invalid');
    });
  });

  describe('built-in kinds', () => {
    it('rejects a misspelled field', () => {
      const result = check(
        'apiVersion: v1\nkind: Service\nmetadata: { name: s }\nspec: { selector: { a: b }, prots: [{ port: 80 }] }\n',
      );

      expect(result.status).toBe('invalid');
      expect(result.errors).toEqual(["/spec: additional properties 'prots' not allowed"]);
    });

    it('reads on as a boolean like kubectl', () => {
      const result = check(
        'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\ndata: { enabled: on }\n',
      );

      expect(result.status).toBe('invalid');
    });

    it('reports kinds without a schema', () => {
      expect(check('apiVersion: example.org/v2\nkind: Gadget\nmetadata: { name: g }\n').status).toBe('no-schema');
    });
  });
});
