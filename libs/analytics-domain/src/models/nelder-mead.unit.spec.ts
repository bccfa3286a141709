import { boxed, minimise, nelderMead } from './nelder-mead';

describe('Nelder–Mead', () => {
  it('finds the minimum of a shifted quadratic bowl', () => {
    const result = nelderMead(([x, y]) => (x - 3) ** 2 + 10 * (y + 1) ** 2, [0, 0]);
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(3, 4);
    expect(result.x[1]).toBeCloseTo(-1, 4);
  });

  it('follows the Rosenbrock valley to (1, 1)', () => {
    const result = minimise(([x, y]) => 100 * (y - x * x) ** 2 + (1 - x) ** 2, [-1.2, 1], { xTolerance: 1e-10, fTolerance: 1e-14, maxIterations: 5000 });
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 5);
    expect(result.x[1]).toBeCloseTo(1, 5);
  });

  it('treats NaN as worse than anything, so it stays where the objective is defined', () => {
    const result = nelderMead(([x]) => (x < 0 ? NaN : (x - 0.5) ** 2), [2], { initialStep: 1 });
    expect(result.x[0]).toBeCloseTo(0.5, 5);
  });

  it('says when it ran out of iterations', () => {
    const result = nelderMead(([x, y]) => 100 * (y - x * x) ** 2 + (1 - x) ** 2, [-1.2, 1], { maxIterations: 5 });
    expect(result).toMatchObject({ converged: false, iterations: 5 });
  });
});

describe('runaway fits', () => {
  it('stop at the wall of a box instead of walking to infinity', () => {
    const result = nelderMead(boxed(([x]) => Math.exp(-x), 30), [0], { initialStep: 1, maxIterations: 10_000 });
    expect(result.x[0]).toBeLessThanOrEqual(30);
    expect(result.x[0]).toBeGreaterThan(25);
    expect(result.iterations).toBeLessThan(10_000);
  });

  it('give up, not converged, when the value stops improving while the simplex still moves', () => {
    const result = nelderMead(([x, y]) => 1 / (1 + Math.exp(x)) + y * y, [0, 0], { initialStep: 1, maxIterations: 100_000 });
    expect(result.converged).toBe(false);
    expect(result.iterations).toBeLessThan(100_000);
  });
});
