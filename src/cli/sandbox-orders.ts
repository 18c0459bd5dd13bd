/**
 * The sample orders the sandbox places in the Shopify simulator: each shows one thing a finance team checks.
 * Written in the simulator's control-API input shape (shop-currency amounts as decimal strings).
 */
export const SANDBOX_SHOP = 'ml-connector-sandbox.myshopify.com';

export const SANDBOX_ORDERS: ReadonlyArray<{ label: string; order: Record<string, unknown> }> = [
  {
    label: 'several lines with US sales tax and shipping',
    order: {
      customer: { email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' },
      lineItems: [
        { sku: 'MUG-BLK', title: 'Black mug', quantity: 2, price: '14.50', taxLines: [{ title: 'CA State Tax', rate: '0.0725', amount: '2.10' }] },
        { sku: 'TEE-M', title: 'T-shirt (M)', quantity: 1, price: '25.00', taxLines: [{ title: 'CA State Tax', rate: '0.0725', amount: '1.81' }] },
        { sku: 'STK-3', title: 'Sticker pack', quantity: 3, price: '3.99', taxLines: [{ title: 'CA State Tax', rate: '0.0725', amount: '0.87' }] },
      ],
      shippingLines: [{ title: 'Standard', code: 'STANDARD', price: '6.95' }],
      financialStatus: 'PAID',
    },
  },
  {
    label: 'a discount code spread over the lines',
    order: {
      customer: { email: 'grace@example.com', firstName: 'Grace', lastName: 'Hopper' },
      lineItems: [
        { sku: 'MUG-BLK', title: 'Black mug', quantity: 1, price: '14.50', taxLines: [{ title: 'CA State Tax', rate: '0.0725', amount: '0.95' }] },
        { sku: 'HOOD-L', title: 'Hoodie (L)', quantity: 1, price: '49.00', taxLines: [{ title: 'CA State Tax', rate: '0.0725', amount: '3.20' }] },
      ],
      discountCodes: [{ code: 'WELCOME10', amount: '6.35', type: 'percentage', percentage: '10' }],
      shippingLines: [{ title: 'Standard', code: 'STANDARD', price: '6.95' }],
      financialStatus: 'PAID',
    },
  },
  {
    label: 'a line discount and taxed express shipping',
    order: {
      customer: { email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' },
      lineItems: [
        { sku: 'TEE-M', title: 'T-shirt (M)', quantity: 2, price: '25.00', discount: { amount: '5.00', title: 'Bundle' }, taxLines: [{ title: 'CA State Tax', rate: '0.0725', amount: '3.26' }] },
      ],
      shippingLines: [{ title: 'Express', code: 'EXPRESS', price: '15.00', taxLines: [{ title: 'CA State Tax', rate: '0.0725', amount: '1.09' }] }],
      financialStatus: 'PAID',
    },
  },
  {
    label: 'a buyer paying in euros',
    order: {
      customer: { email: 'marie@example.fr', firstName: 'Marie', lastName: 'Curie' },
      presentmentCurrency: 'EUR',
      presentmentRate: '0.92',
      lineItems: [{ sku: 'HOOD-L', title: 'Hoodie (L)', quantity: 2, price: '49.00' }],
      shippingLines: [{ title: 'International', code: 'INTL', price: '20.00' }],
      financialStatus: 'PAID',
    },
  },
  {
    label: 'a first order from a new customer, not yet paid',
    order: {
      customer: { email: 'alan@example.co.uk', firstName: 'Alan', lastName: 'Turing', address: { address1: '1 Bletchley Park', city: 'Milton Keynes', zip: 'MK3 6EB', country: 'United Kingdom', countryCode: 'GB' } },
      lineItems: [{ sku: 'BOOK-ENIGMA', title: 'Enigma notebook', quantity: 4, price: '7.25', taxLines: [{ title: 'CA State Tax', rate: '0.0725', amount: '2.10' }] }],
      shippingLines: [{ title: 'Standard', code: 'STANDARD', price: '6.95' }],
      financialStatus: 'PENDING',
    },
  },
];
