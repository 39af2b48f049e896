import { timestampSchema } from '../../../domain/timestamp';

describe('timestampSchema', () => {
  test.each(['1970-01-01T00:00:00Z', '2026-12-03T10:00:00+01:00', '9999-12-31T23:59:59.999Z'])('takes %s', (text) => {
    expect(timestampSchema.safeParse(text).success).toBe(true);
  });

  test.each(['0020-02-29T00:00:00Z', '1969-12-31T23:59:59Z', '0000-01-01T00:00:00Z', '2026-12-03', 'soon'])(
    'refuses %s, which would not come back as it was sent',
    (text) => {
      expect(timestampSchema.safeParse(text).success).toBe(false);
    },
  );
});
