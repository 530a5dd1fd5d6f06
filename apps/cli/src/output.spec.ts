import { table, toJson } from './output';

describe('output', () => {
  it('aligns table columns under #headers and shows missing cells as -', () => {
    expect(
      table(
        ['Topic', 'QID'],
        [
          ['orders', 0],
          ['a', undefined],
        ],
      ),
    ).toBe('#Topic  #QID\norders  0\na       -');
  });

  it('prints Maps as objects and bigints as numbers in JSON', () => {
    expect(JSON.parse(toJson({ m: new Map([[0, 'x']]), b: 5n }))).toEqual({ m: { '0': 'x' }, b: 5 });
  });
});
