import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type InfluxDatabaseLayout, InfluxTimeSeriesStore, tenantDatabase } from '@stadtdaten/timeseries';
import pino from 'pino';

/**
 * The InfluxDB adapter builds InfluxQL by concatenating quoted tenant and datastream ids. These
 * tests send hostile ids through the adapter to a stand-in for InfluxDB's /query endpoint and
 * tokenize what arrives with InfluxQL 1.x's scanner rules: a hostile id must change the content
 * of one string literal or quoted identifier and nothing else of the statement.
 */

interface Token {
  kind: 'string' | 'quoted-identifier' | 'word' | 'number' | 'symbol' | 'semicolon' | 'comment' | 'bad';
  text: string;
}

const ESCAPES: Record<string, string> = { n: '\n', '\\': '\\', "'": "'", '"': '"' };

/**
 * Reads a quoted literal as InfluxQL 1.x's ScanString does: it ends at the unescaped quote, a
 * line break inside is an error (its reader turns \r into \n), and only \n, \\, \' and \" are
 * escapes. Returns the decoded text and the index after the literal.
 */
function scanQuoted(text: string, start: number): { value: string; end: number } | undefined {
  const quote = text[start];
  let value = '';
  for (let index = start + 1; index < text.length; index += 1) {
    const char = text[index]!;
    if (char === quote) {
      return { value, end: index + 1 };
    }
    if (char === '\n' || char === '\r') {
      return undefined;
    }
    if (char === '\\') {
      const escaped = ESCAPES[text[index + 1] ?? ''];
      if (escaped === undefined) {
        return undefined;
      }
      value += escaped;
      index += 1;
    } else {
      value += char;
    }
  }

  return undefined;
}

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < query.length) {
    const char = query[index]!;
    const rest = query.slice(index);
    if (/\s/.test(char)) {
      index += 1;
    } else if (rest.startsWith('--') || rest.startsWith('/*')) {
      tokens.push({ kind: 'comment', text: rest });
      break;
    } else if (char === "'" || char === '"') {
      const literal = scanQuoted(query, index);
      if (literal === undefined) {
        tokens.push({ kind: 'bad', text: rest });
        break;
      }
      tokens.push({ kind: char === "'" ? 'string' : 'quoted-identifier', text: literal.value });
      index = literal.end;
    } else if (char === ';') {
      tokens.push({ kind: 'semicolon', text: ';' });
      index += 1;
    } else {
      const match = /^(?:([A-Za-z_][A-Za-z0-9_]*)|([0-9][0-9A-Za-z.]*)|(<=|>=|!=|=~|!~|.))/.exec(rest)!;
      const kind = match[1] !== undefined ? 'word' : match[2] !== undefined ? 'number' : 'symbol';
      tokens.push({ kind, text: match[0] });
      index += match[0].length;
    }
  }

  return tokens;
}

/** Splits a request's tokens into statements at top-level semicolons. */
function statementsOf(query: string): Token[][] {
  const statements: Token[][] = [[]];
  for (const token of tokenize(query)) {
    if (token.kind === 'semicolon') {
      statements.push([]);
    } else {
      statements[statements.length - 1]!.push(token);
    }
  }

  return statements.filter((statement) => statement.length > 0);
}

const PERCENT_ENCODED = /%(25|5C|0A|0D|09)/g;

/** Tag values are stored percent-encoded (%, \, LF, CR, tab); this reverses it. */
function decodeTag(value: string): string {
  return value.replace(PERCENT_ENCODED, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** Answers /ping and /query like InfluxDB 1.x and records every InfluxQL statement it receives. */
class FakeInflux {
  statements: Token[][] = [];
  databases: string[] = [];
  private server?: Server;

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      if (request.url?.startsWith('/ping')) {
        response.writeHead(204, { 'x-influxdb-version': '1.6.7' }).end();

        return;
      }
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        const statements = statementsOf(new URLSearchParams(body).get('q') ?? '');
        this.statements.push(...statements);
        const results = statements.map((statement, index) => ({ statement_id: index, series: this.seriesFor(statement) }));
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private seriesFor(statement: Token[]) {
    const words = statement.filter((token) => token.kind === 'word').map((token) => token.text.toUpperCase());
    if (words[0] === 'SHOW' && words[1] === 'DATABASES') {
      return [{ name: 'databases', columns: ['name'], values: this.databases.map((name) => [name]) }];
    }
    if (words[0] === 'SHOW' && words[1] === 'RETENTION') {
      return [{ columns: ['name', 'duration', 'default'], values: [['autogen', '0s', true]] }];
    }

    return [];
  }
}

/** The statement with the content of literals and quoted identifiers left out. */
function shape(statement: Token[]): string[] {
  return statement.map((token) =>
    token.kind === 'string' || token.kind === 'quoted-identifier' ? token.kind : `${token.kind}:${token.text}`,
  );
}

const BENIGN = 'benign-id';
const PREFIX = 'stadtdaten';
const PROFILE = 'de';

const HOSTILE_IDS = [
  "'",
  "\\'",
  '\\',
  "' OR 1=1 --",
  "x' OR \"tenant\" =~ /.*/ --",
  "'; DROP DATABASE \"stadtdaten\"; --",
  '"; DROP MEASUREMENT observations; --',
  "x'\nSELECT * FROM observations",
  "x'\r\nDROP SERIES FROM /.*/",
  'x\\\'; DELETE FROM "observations"',
  'tab\there%25',
  '/* comment */',
  'Ünïcödé 💩 \u202e',
  'nul\u0000byte',
];

describe('InfluxQL built from hostile ids', () => {
  let influx: FakeInflux;

  beforeAll(async () => {
    influx = new FakeInflux();
    await influx.start();
    influx.databases = [PREFIX, ...[BENIGN, ...HOSTILE_IDS].map((tenant) => tenantDatabase(PREFIX, tenant, PROFILE))];
  });

  afterAll(async () => {
    await influx.stop();
  });

  /** Reads one tenant and datastream in every way the store reads, and returns the SELECT statements sent. */
  async function readStatements(layout: InfluxDatabaseLayout, id: string): Promise<Token[][]> {
    const store = new InfluxTimeSeriesStore({
      url: influx.url,
      databaseLayout: layout,
      database: PREFIX,
      databasePrefix: PREFIX,
      createDatabases: false,
      logger: pino({ level: 'silent' }),
    });
    await store.connect();
    influx.statements = [];

    await store.query({ tenant: id, datastreamId: id, fromMs: 0, toMs: 86_400_000, limit: 10, order: 'desc' });
    await store.aggregate({ tenant: id, datastreamId: id, fromMs: 0, toMs: 86_400_000, aggregate: 'mean', intervalMs: 3_600_000 });
    await store.latest(id, [id, 'other']);
    await store.count(id, id);
    await store.close();

    return influx.statements.filter((statement) => /^(SELECT|DELETE)$/i.test(statement[0]?.text ?? ''));
  }

  it('tells a value that broke out of its quotes', () => {
    const [quoted] = statementsOf(`SELECT "id" FROM "o" WHERE "datastream" = 'a\\' OR 1=1 --'`);
    const [broken] = statementsOf(`SELECT "id" FROM "o" WHERE "datastream" = 'a' OR 1=1 --'`);
    const [lineBreak] = statementsOf(`SELECT "id" FROM "o" WHERE "datastream" = 'a\r'`);

    expect(shape(quoted!)).toEqual(shape(statementsOf(`SELECT "id" FROM "o" WHERE "datastream" = 'b'`)[0]!));
    expect(shape(broken!)).not.toEqual(shape(quoted!));
    expect(lineBreak!.map((token) => token.kind)).toContain('bad');
  });

  describe.each(['single', 'per-tenant-profile'] as const)('%s layout', (layout) => {
    it.each(HOSTILE_IDS.map((id) => [JSON.stringify(id), id]))('keeps %s inside its quotes', async (_name, id) => {
      const benign = await readStatements(layout, BENIGN);
      const hostile = await readStatements(layout, id);

      expect(benign.length).toBeGreaterThanOrEqual(4);
      expect(hostile.map(shape)).toEqual(benign.map(shape));
      for (const [index, statement] of hostile.entries()) {
        const expected = benign[index]!.map((token) => {
          if (token.kind === 'string' && decodeTag(token.text) === BENIGN) {
            return id;
          }
          if (token.kind === 'quoted-identifier' && token.text === tenantDatabase(PREFIX, BENIGN, PROFILE)) {
            return tenantDatabase(PREFIX, id, PROFILE);
          }

          return token.kind === 'string' ? decodeTag(token.text) : token.text;
        });
        const actual = statement.map((token) => (token.kind === 'string' ? decodeTag(token.text) : token.text));

        expect(actual).toEqual(expected);
      }
    });
  });
});
