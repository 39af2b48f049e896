import { localeCandidates } from '../../../domain/locale';

describe('localeCandidates', () => {
  test('each wanted locale, then its language, then English', () => {
    expect(localeCandidates(['fr-CA', 'es'])).toEqual(['fr-CA', 'fr', 'es', 'en']);
  });

  test('skips unset wishes and repeats', () => {
    expect(localeCandidates([null, undefined, 'en', 'en-GB'])).toEqual(['en', 'en-GB']);
  });
});
