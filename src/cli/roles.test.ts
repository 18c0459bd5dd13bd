import { describe, expect, it } from 'vitest';
import { assertRolesFitMode, describeRoles, parseRoles } from './roles.ts';

describe('serve roles', () => {
  it('reads repeated and comma-separated roles; none means all three', () => {
    expect([...parseRoles(['web', 'worker'])]).toEqual(['web', 'worker']);
    expect([...parseRoles(['Web, scheduler'])]).toEqual(['web', 'scheduler']);
    expect([...parseRoles([])]).toEqual(['web', 'worker', 'scheduler']);
    expect([...parseRoles(undefined)]).toEqual(['web', 'worker', 'scheduler']);
    expect(describeRoles(parseRoles(['scheduler,web']))).toBe('web, scheduler');
  });

  it('refuses unknown roles with a usage exit code', () => {
    expect(() => parseRoles(['web,cook'])).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringContaining('"cook"') }));
  });

  it('allows split roles only with PostgreSQL', () => {
    expect(() => assertRolesFitMode(parseRoles(['worker']), undefined)).toThrow(/PGlite/);
    expect(() => assertRolesFitMode(parseRoles(['web,worker,scheduler']), undefined)).not.toThrow();
    expect(() => assertRolesFitMode(parseRoles(['worker']), 'postgres://db/x')).not.toThrow();
  });
});
