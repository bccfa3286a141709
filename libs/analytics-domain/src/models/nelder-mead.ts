/**
 * Nelder–Mead simplex minimisation, with the standard coefficients and initial simplex of
 * SciPy's `minimize(method="Nelder-Mead")` (reflection 1, expansion 2, contraction ½, shrink ½;
 * each vertex moves one coordinate by 5 %, or by 0.00025 when it is 0).
 *
 * Written here rather than taken from `fmin`: that package declares itself an ES module while
 * shipping a UMD build, so under Node's `require` it exports nothing, and the services and the
 * benchmark load modules that way. The method is short, and its tests are in this library.
 */
export interface NelderMeadOptions {
  /** Stop when every vertex is within this distance of the best one, in every coordinate. */
  readonly xTolerance?: number;
  /** … and every vertex's value is within this of the best one. */
  readonly fTolerance?: number;
  readonly maxIterations?: number;
  /**
   * Size of the first simplex: each vertex moves one coordinate by this much. Without it, SciPy's
   * rule (5 % of the coordinate) applies, which is tiny near 0 — on log-parameters a step like 0.5
   * lets the first moves explore a factor of 1.6 either way.
   */
  readonly initialStep?: number;
  /**
   * Give up (not converged) when the best value improved by less than this over the last
   * 100 · n iterations: a simplex walking along a ridge towards infinity (a parameter of a
   * degenerate fit running off to 0 or ∞) would otherwise spend every iteration allowed.
   */
  readonly stallTolerance?: number;
}

export interface MinimiseResult {
  readonly x: number[];
  readonly value: number;
  readonly iterations: number;
  readonly evaluations: number;
  readonly converged: boolean;
}

export function nelderMead(f: (x: readonly number[]) => number, x0: readonly number[], options: NelderMeadOptions = {}): MinimiseResult {
  const n = x0.length;
  const xTolerance = options.xTolerance ?? 1e-8;
  const fTolerance = options.fTolerance ?? 1e-10;
  const maxIterations = options.maxIterations ?? 400 * n;
  let evaluations = 0;
  // A NaN (a parameter where the objective is undefined) is treated as the worst possible value.
  const value = (x: readonly number[]): number => {
    evaluations++;
    const v = f(x);
    return Number.isNaN(v) ? Infinity : v;
  };

  const simplex: { x: number[]; f: number }[] = [{ x: [...x0], f: value(x0) }];
  for (let i = 0; i < n; i++) {
    const x = [...x0];
    if (options.initialStep !== undefined) x[i] += options.initialStep;
    else x[i] = x[i] !== 0 ? x[i] * 1.05 : 0.00025;
    simplex.push({ x, f: value(x) });
  }

  const combine = (a: readonly number[], b: readonly number[], t: number): number[] => a.map((ai, i) => ai + t * (b[i] - ai));

  const stallTolerance = options.stallTolerance ?? 1e-10;
  const stallWindow = 100 * n;
  let checkpoint = Infinity;
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    simplex.sort((p, q) => p.f - q.f);
    const best = simplex[0];
    if (iterations > 0 && iterations % stallWindow === 0) {
      if (checkpoint - best.f < stallTolerance * Math.max(1, Math.abs(best.f))) break;
      checkpoint = best.f;
    }
    const spreadX = Math.max(...simplex.slice(1).map((v) => Math.max(...v.x.map((xi, i) => Math.abs(xi - best.x[i])))));
    const spreadF = Math.max(...simplex.slice(1).map((v) => Math.abs(v.f - best.f)));
    if (spreadX <= xTolerance && spreadF <= fTolerance) {
      converged = true;
      break;
    }
    iterations++;

    const worst = simplex[n];
    const centroid = new Array<number>(n).fill(0);
    for (let v = 0; v < n; v++) for (let i = 0; i < n; i++) centroid[i] += simplex[v].x[i] / n;

    const reflected = combine(centroid, worst.x, -1);
    const fr = value(reflected);
    if (fr < best.f) {
      const expanded = combine(centroid, worst.x, -2);
      const fe = value(expanded);
      simplex[n] = fe < fr ? { x: expanded, f: fe } : { x: reflected, f: fr };
      continue;
    }
    if (fr < simplex[n - 1].f) {
      simplex[n] = { x: reflected, f: fr };
      continue;
    }
    // Contract: outside when the reflection improved on the worst vertex, inside otherwise.
    const outside = fr < worst.f;
    const contracted = outside ? combine(centroid, worst.x, -0.5) : combine(centroid, worst.x, 0.5);
    const fc = value(contracted);
    if (fc <= (outside ? fr : worst.f)) {
      simplex[n] = { x: contracted, f: fc };
      continue;
    }
    for (let v = 1; v <= n; v++) {
      const x = combine(best.x, simplex[v].x, 0.5);
      simplex[v] = { x, f: value(x) };
    }
  }
  simplex.sort((p, q) => p.f - q.f);
  return { x: simplex[0].x, value: simplex[0].f, iterations, evaluations, converged };
}

/**
 * Nelder–Mead restarted from its own answer until a restart no longer improves the value: a
 * simplex can collapse before the minimum, and a fresh simplex around the point found fixes that.
 */
export function minimise(f: (x: readonly number[]) => number, x0: readonly number[], options: NelderMeadOptions & { readonly restarts?: number } = {}): MinimiseResult {
  let result = nelderMead(f, x0, options);
  let iterations = result.iterations;
  let evaluations = result.evaluations;
  for (let r = 0; r < (options.restarts ?? 3); r++) {
    const again = nelderMead(f, result.x, options);
    iterations += again.iterations;
    evaluations += again.evaluations;
    const improved = result.value - again.value > (options.fTolerance ?? 1e-10);
    result = again.value <= result.value ? again : result;
    if (!improved) break;
  }
  return { ...result, iterations, evaluations };
}

/**
 * The objective within a box |xᵢ| ≤ limit, Infinity outside. On log-parameters a limit of 30 keeps
 * each parameter within e^±30 (≈ 1e±13): a degenerate fit stops at the wall instead of running
 * off, and the likelihood is never evaluated where it overflows.
 */
export const boxed =
  (f: (x: readonly number[]) => number, limit: number) =>
  (x: readonly number[]): number =>
    x.some((xi) => Math.abs(xi) > limit) ? Infinity : f(x);
