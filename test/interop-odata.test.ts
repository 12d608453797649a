/**
 * OData interoperability over real sockets: the app listens on a free loopback port and is driven
 * by an OData v4 client library from npm (`@odata/client`, which sends `Content-Type:
 * application/json` on every request, GET and DELETE included), with HTTP Basic and with a bearer
 * token; what it writes is read back from storage. The `$metadata` document is read by the OASIS
 * CSDL XML-to-JSON converter (`odata-csdl`, strict) and checked against every entity set of the
 * registry.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { OData } from '@odata/client';
import { isList, VERSION_FIELD } from '../src/schema/registry.js';
import { registry } from '../src/schema/registry.js';
import { notNullFields } from '../src/schema/nullability.js';
import { setup, type TestContext, tenantIdOf } from './helpers.js';

const { xml2json } = createRequire(import.meta.url)('odata-csdl') as {
  xml2json(xml: string, options: { strict?: boolean; messages?: unknown[] }): Csdl;
};

type CsdlProperty = { $Type?: string; $Nullable?: boolean; $MaxLength?: number; $Collection?: boolean };
type CsdlType = { $Kind: string; $Key?: string[] } & Record<string, unknown>;
type Csdl = { $Version: string; $EntityContainer: string } & Record<string, Record<string, unknown>>;

/**
 * A GET of an absolute URL (a next link, the service root) through the client's own request
 * method, with its headers and credentials (the method is private in the library's typings).
 */
const get = (client: ReturnType<typeof OData.New4>, url: string): Promise<unknown> =>
  (client as unknown as { requestUri(uri: string): Promise<unknown> }).requestUri(url);

const PAGE_SIZE = 5;
let ctx: TestContext;
let service = '';
let basic: ReturnType<typeof OData.New4>;
let bearer: ReturnType<typeof OData.New4>;

before(async () => {
  ctx = await setup({ pageSize: PAGE_SIZE });
  await ctx.app.listen({ host: '127.0.0.1', port: 0 });
  const address = ctx.app.server.address();
  assert.ok(address && typeof address === 'object');
  service = `http://127.0.0.1:${address.port}/api/`;
  // The tenant is the domain after the password: username api, password pw-<domain>@<domain>.
  const domain = ctx.a.domain;
  basic = OData.New4({
    serviceEndpoint: service,
    credential: { username: 'api', password: `pw-${domain}@${domain}` },
  });
  bearer = OData.New4({
    serviceEndpoint: service,
    commonHeaders: { authorization: `Bearer ${ctx.a.token}` },
  });
});
after(async () => {
  await ctx.close();
});

const tenantId = async (): Promise<string> => await tenantIdOf(ctx.db, ctx.a.domain);

/** A stored job type, read from the database itself. */
async function stored(id: string): Promise<Record<string, unknown> | undefined> {
  const tenant = await tenantId();
  return ctx.db.withTenant(
    tenant,
    async (tx) => (await tx.query('SELECT * FROM job_type WHERE id = $1', [id])).rows[0],
  );
}

type JobType = {
  id: string;
  code: string | null;
  name: string;
  description: string | null;
  row_version: number;
};

describe('an OData v4 client library', () => {
  const codes = Array.from({ length: 13 }, (_, i) => `IOP-${String(i).padStart(2, '0')}`);
  const ids = new Map<string, string>();

  before(async () => {
    const set = basic.getEntitySet<JobType>('JobType');
    for (const [i, code] of codes.entries()) {
      const created = (await set.create({
        code,
        name: `Interop ${i % 4}`,
        description: i % 3 ? `d${i % 3}` : null,
      })) as JobType;
      assert.equal(created.code, code, JSON.stringify(created));
      ids.set(code, created.id);
    }
  });

  it('creates records that are stored as sent', async () => {
    const row = await stored(ids.get('IOP-04')!);
    assert.equal(row?.['code'], 'IOP-04');
    assert.equal(row?.['name'], 'Interop 0');
    assert.equal(row?.['description'], 'd1');
  });

  it('lists with $filter, $orderby, $top and $skip', async () => {
    const set = bearer.getEntitySet<JobType>('JobType');
    const filter = bearer.newFilter().property('name').eqString('Interop 1');
    const all = (await set.query(bearer.newParam().filter(filter).orderby('code', 'desc'))) as JobType[];
    assert.deepEqual(
      all.map((r) => r.code),
      ['IOP-09', 'IOP-05', 'IOP-01'],
    );
    const page = (await set.query(
      bearer
        .newParam()
        .filter(bearer.newFilter().property('code').gt('IOP-02'))
        .orderby('code', 'asc')
        .top(3)
        .skip(2),
    )) as JobType[];
    assert.deepEqual(
      page.map((r) => r.code),
      ['IOP-05', 'IOP-06', 'IOP-07'],
    );
    // OData's null semantics: ne keeps the records without a description.
    const notD1 = bearer.newFilter().property('description').neString('d1');
    assert.equal(await set.count(notD1), codes.filter((_, i) => i % 3 !== 1).length);
    const withoutOne = (await set.query(bearer.newParam().filter(notD1).orderby('code', 'asc'))) as JobType[];
    assert.deepEqual(
      withoutOne.map((r) => r.code),
      ['IOP-00', 'IOP-02', 'IOP-03', 'IOP-05', 'IOP-06'],
    );
  });

  it('counts with $count=true, honouring the filter', async () => {
    const set = basic.getEntitySet<JobType>('JobType');
    assert.equal(await set.count(), codes.length);
    assert.equal(await set.count(basic.newFilter().property('name').eqString('Interop 0')), 4);
  });

  it('selects fields with $select', async () => {
    const set = basic.getEntitySet<JobType>('JobType');
    const rows = (await set.query(
      basic.newParam().select(['code', 'name']).filter(basic.newFilter().property('code').eqString('IOP-03')),
    )) as Array<Record<string, unknown>>;
    assert.deepEqual(rows, [{ id: ids.get('IOP-03'), code: 'IOP-03', name: 'Interop 3' }]);
  });

  it('reads one record by key, with its context', async () => {
    const one = (await bearer.getEntitySet<JobType>('JobType').retrieve(ids.get('IOP-07')!)) as JobType &
      Record<string, unknown>;
    assert.equal(one.code, 'IOP-07');
    assert.match(String(one['@odata.context']), /\/api\/\$metadata#JobType\/\$entity$/);
  });

  it('updates with PATCH, keeping the fields not sent', async () => {
    const id = ids.get('IOP-08')!;
    await basic.getEntitySet<JobType>('JobType').update(id, { description: 'patched' });
    const row = await stored(id);
    assert.equal(row?.['description'], 'patched');
    assert.equal(row?.['name'], 'Interop 0');
    assert.equal(row?.['code'], 'IOP-08');
    assert.equal(Number(row?.[VERSION_FIELD]), 2);
  });

  it('deletes (Content-Type sent with no body)', async () => {
    const id = ids.get('IOP-12')!;
    await bearer.getEntitySet<JobType>('JobType').delete(id);
    assert.equal(await stored(id), undefined);
    ids.delete('IOP-12');
  });

  it('follows @odata.nextLink over every page, without repeating or skipping a record', async () => {
    // name has 4 values: the id breaks the ties so that pages never overlap.
    let url: string | undefined = `${service}JobType?$orderby=name&$count=true`;
    const seen: string[] = [];
    let pages = 0;
    while (url) {
      const page = (await get(basic, url)) as {
        value: JobType[];
        '@odata.nextLink'?: string;
        '@odata.count': number;
      };
      assert.equal(page['@odata.count'], ids.size);
      assert.ok(page.value.length <= PAGE_SIZE);
      seen.push(...page.value.map((r) => r.id));
      url = page['@odata.nextLink'];
      assert.ok(++pages <= 10, 'the links end');
    }
    assert.equal(pages, Math.ceil(ids.size / PAGE_SIZE));
    assert.ok(pages > 2);
    assert.equal(new Set(seen).size, seen.length, 'no record twice');
    assert.deepEqual([...seen].sort(), [...ids.values()].sort(), 'every record');
  });

  it('reads the service document', async () => {
    const doc = (await get(bearer, service)) as {
      '@odata.context': string;
      value: Array<{ name: string; kind: string; url: string }>;
    };
    assert.equal(doc['@odata.context'], `${service}$metadata`);
    const names = registry.entities.flatMap((e) => e.routes);
    assert.deepEqual(
      doc.value.map((s) => s.name),
      names,
    );
    assert.ok(doc.value.every((s) => s.kind === 'EntitySet' && s.url === s.name));
  });
});

describe('$metadata, read by a CSDL parser', () => {
  let csdl: Csdl;
  const messages: unknown[] = [];

  before(async () => {
    const res = await fetch(`${service}$metadata`, { headers: { authorization: `Bearer ${ctx.a.token}` } });
    assert.equal(res.status, 200);
    assert.match(String(res.headers.get('content-type')), /^application\/xml/);
    assert.equal(res.headers.get('odata-version'), '4.0');
    csdl = xml2json(await res.text(), { strict: true, messages });
  });

  it('needs credentials like the rest of /api', async () => {
    const res = await fetch(`${service}$metadata`);
    assert.equal(res.status, 401);
  });

  it('is a CSDL 4.0 document without a complaint', () => {
    assert.deepEqual(messages, []);
    assert.equal(csdl.$Version, '4.0');
    assert.equal(csdl.$EntityContainer, 'FieldService.Container');
  });

  it('has every entity set of the registry, with its key and typed properties', () => {
    const schema = csdl['FieldService']!;
    const container = schema['Container'] as Record<string, { $Collection?: boolean; $Type: string }>;
    const EDM: Record<string, string> = {
      uuid: 'Edm.Guid',
      string: 'Edm.String',
      decimal: 'Edm.Decimal',
      boolean: 'Edm.Boolean',
      datetime: 'Edm.DateTimeOffset',
    };
    for (const entity of registry.entities) {
      for (const route of entity.routes) {
        assert.deepEqual(
          container[route],
          { $Collection: true, $Type: `FieldService.${entity.name}` },
          route,
        );
      }
      const type = schema[entity.name] as CsdlType;
      assert.equal(type.$Kind, 'EntityType', entity.name);
      assert.deepEqual(type.$Key, ['id'], entity.name);
      const notNull = notNullFields(entity);
      for (const name of entity.output) {
        const field = entity.spec.fields[name]!;
        const property = type[name] as CsdlProperty | undefined;
        assert.ok(property, `${entity.name}.${name}`);
        if (isList(field)) {
          assert.equal(property.$Collection, true, `${entity.name}.${name}`);
          const item = schema[String(property.$Type).replace('FieldService.', '')] as CsdlType;
          assert.equal(item.$Kind, 'ComplexType');
          assert.deepEqual(
            Object.keys(item).filter((k) => !k.startsWith('$') && !k.startsWith('@')),
            Object.keys(field.fields),
          );
          continue;
        }
        const expected =
          field.type === 'integer' ? (name === VERSION_FIELD ? 'Edm.Int64' : 'Edm.Int32') : EDM[field.type];
        // CSDL JSON leaves out the defaults: Edm.String, and Nullable false.
        assert.equal(property.$Type ?? 'Edm.String', expected, `${entity.name}.${name}`);
        assert.equal(property.$Nullable ?? false, !notNull.has(name), `${entity.name}.${name} nullable`);
        if (field.type === 'string')
          assert.equal(property.$MaxLength, field.maxLength, `${entity.name}.${name}`);
      }
    }
    const part = schema['job_part_usage'] as Record<string, CsdlProperty>;
    assert.equal(part['remark']!.$Nullable, true);
    assert.equal(part['id']!.$Nullable, undefined, 'the key is never null');
  });
});

it('a record created by the client is found under its key by a second client', async () => {
  const code = `IOP-${randomUUID().slice(0, 8)}`;
  const created = (await bearer.getEntitySet<JobType>('JobType').create({ code, name: 'second' })) as JobType;
  const found = (await basic.getEntitySet<JobType>('JobType').find({ code })) as JobType[];
  assert.deepEqual(
    found.map((r) => r.id),
    [created.id],
  );
});
