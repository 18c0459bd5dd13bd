import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { headerValue, hmacSha256Base64, hmacSha256Hex, missingHeaders, safeEqual } from './hmac.ts';

describe('hmac', () => {
  const secret = 'hush';
  const body = Buffer.from('{"id":820982911946154508,"url":"https:\\/\\/x"}');

  it('signs the raw bytes as base64 and hex, like crypto.createHmac', () => {
    expect(hmacSha256Base64(secret, body)).toBe(createHmac('sha256', secret).update(body).digest('base64'));
    expect(hmacSha256Hex(secret, body)).toBe(createHmac('sha256', secret).update(body).digest('hex'));
    // The well-known example vector: HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog").
    expect(hmacSha256Hex('key', 'The quick brown fox jumps over the lazy dog')).toBe(
      'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    );
  });

  it('re-serialised JSON gives another signature: only the raw body verifies', () => {
    const reserialised = JSON.stringify(JSON.parse('{"url":"https:\\/\\/x"}'));
    expect(hmacSha256Base64(secret, reserialised)).not.toBe(hmacSha256Base64(secret, '{"url":"https:\\/\\/x"}'));
  });

  it('safeEqual compares in constant time and never throws', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual(Buffer.from('abc'), 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', '')).toBe(false);
    expect(safeEqual(undefined, 'abc')).toBe(false);
    expect(safeEqual('é', 'e')).toBe(false);
  });

  it('looks headers up case-insensitively, taking the first of repeated values', () => {
    const headers = { 'x-shopify-topic': 'orders/create', 'X-Other': ['a', 'b'], Empty: '  ' };
    expect(headerValue(headers, 'X-Shopify-Topic')).toBe('orders/create');
    expect(headerValue(headers, 'x-other')).toBe('a');
    expect(headerValue(headers, 'empty')).toBeUndefined();
    expect(headerValue(headers, 'missing')).toBeUndefined();
    expect(missingHeaders(headers, ['X-SHOPIFY-TOPIC', 'Empty', 'X-Missing'])).toEqual(['Empty', 'X-Missing']);
  });
});
