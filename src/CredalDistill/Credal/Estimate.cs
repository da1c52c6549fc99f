namespace CredalDistill.Credal;

/// <summary>A scalar result with its Monte Carlo standard error (0 and <see cref="IsExact"/> for exact computations).</summary>
/// <param name="Value">The estimate.</param>
/// <param name="StandardError">Its standard error (0 when exact).</param>
/// <param name="IsExact">True when computed by quadrature or closed form rather than sampling.</param>
public readonly record struct Estimate(double Value, double StandardError, bool IsExact);
