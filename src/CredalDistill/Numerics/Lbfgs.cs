namespace CredalDistill.Numerics;

/// <summary>
/// Limited-memory BFGS for smooth convex objectives, run to a gradient norm rather than an iteration count: it stops when
/// <c>||grad f||_2 &lt;= GradientTolerance</c> (the calibration maps use 1e-10), or when no step along the search direction
/// changes <c>f</c> or its directional derivative any more in double (then <see cref="Result.Converged"/> is false and the
/// gradient norm reached is reported, never hidden). The line search brackets a point satisfying the strong Wolfe conditions
/// (sufficient decrease 1e-4, curvature 0.9) by cubic interpolation of <c>f</c> and its derivative; near the minimum, where
/// differences of <c>f</c> fall within its rounding (a band of 1e-12 relative), the directional derivative alone decides
/// (its sign change brackets the one-dimensional minimum: the approximate Wolfe conditions of Hager and Zhang), so the
/// gradient can be driven to 1e-10 on objectives of size ~1 summed over many rows.
/// </summary>
internal static class Lbfgs
{
    /// <summary>Evaluates <c>f(x)</c> and writes its gradient into the second argument.</summary>
    public delegate double Objective(ReadOnlySpan<double> x, Span<double> gradient);

    /// <summary>The outcome of a minimisation.</summary>
    /// <param name="Value">The objective at the returned point.</param>
    /// <param name="GradientNorm">Euclidean norm of the gradient there.</param>
    /// <param name="Iterations">Iterations run.</param>
    /// <param name="Evaluations">Objective evaluations.</param>
    /// <param name="Converged">True when the gradient norm reached the tolerance.</param>
    public readonly record struct Result(double Value, double GradientNorm, int Iterations, int Evaluations, bool Converged);

    /// <summary>Minimises <paramref name="f"/> from <paramref name="x"/> (overwritten by the minimiser).</summary>
    /// <param name="f">The objective and its gradient.</param>
    /// <param name="x">Start; receives the minimiser.</param>
    /// <param name="gradientTolerance">Stop when the gradient's Euclidean norm is at most this.</param>
    /// <param name="maxIterations">Upper bound on iterations (a safeguard; convergence is by the gradient).</param>
    /// <param name="memory">Number of correction pairs kept.</param>
    /// <param name="cancellationToken">Checked every iteration.</param>
    public static Result Minimise(Objective f, Span<double> x, double gradientTolerance, int maxIterations = 20_000, int memory = 12, CancellationToken cancellationToken = default)
    {
        int n = x.Length;
        var g = new double[n];
        var direction = new double[n];
        var xNew = new double[n];
        var gNew = new double[n];
        var s = new double[memory][];
        var y = new double[memory][];
        var rho = new double[memory];
        var alpha = new double[memory];
        for (int m = 0; m < memory; m++)
        {
            s[m] = new double[n];
            y[m] = new double[n];
        }

        int stored = 0, head = 0, evaluations = 1;
        double value = f(x, g);
        double norm = Norm(g);
        double step = 1.0 / Math.Max(1.0, norm);
        int iteration = 0;
        for (; iteration < maxIterations && norm > gradientTolerance; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // Two-loop recursion: direction = -H g.
            g.CopyTo(direction, 0);
            for (int k = 0; k < stored; k++)
            {
                int m = (head - 1 - k + memory) % memory;
                alpha[m] = rho[m] * Dot(s[m], direction);
                Axpy(-alpha[m], y[m], direction);
            }

            if (stored > 0)
            {
                int last = (head - 1 + memory) % memory;
                Scale(Dot(s[last], y[last]) / Dot(y[last], y[last]), direction);
            }

            for (int k = stored - 1; k >= 0; k--)
            {
                int m = (head - 1 - k + memory) % memory;
                double beta = rho[m] * Dot(y[m], direction);
                Axpy(alpha[m] - beta, s[m], direction);
            }

            Scale(-1.0, direction);
            double slope = Dot(g, direction);
            if (!(slope < 0.0))
            {
                // Not a descent direction (curvature information lost to rounding): restart from steepest descent.
                stored = 0;
                g.CopyTo(direction, 0);
                Scale(-1.0, direction);
                slope = -norm * norm;
                step = 1.0 / Math.Max(1.0, norm);
            }

            var (accepted, newValue, evals) = LineSearch(f, x, value, slope, direction, step, xNew, gNew);
            evaluations += evals;
            if (!accepted)
            {
                if (stored == 0)
                {
                    break; // steepest descent cannot move f or its slope: the gradient is at double resolution
                }

                stored = 0; // retry once from steepest descent
                step = 1.0 / Math.Max(1.0, norm);
                continue;
            }

            // Correction pair.
            var sNew = s[head];
            var yNew = y[head];
            for (int j = 0; j < n; j++)
            {
                sNew[j] = xNew[j] - x[j];
                yNew[j] = gNew[j] - g[j];
            }

            double sy = Dot(sNew, yNew);
            if (sy > 1e-300)
            {
                rho[head] = 1.0 / sy;
                head = (head + 1) % memory;
                stored = Math.Min(stored + 1, memory);
            }

            xNew.CopyTo(x);
            gNew.CopyTo(g, 0);
            value = newValue;
            norm = Norm(g);
            step = 1.0;
        }

        return new Result(value, norm, iteration, evaluations, norm <= gradientTolerance);
    }

    /// <summary>
    /// A step <c>t</c> along <paramref name="direction"/> satisfying the strong Wolfe conditions, by bracketing and cubic
    /// interpolation ("zoom"); writes the new point and gradient. Returns false when no step changes anything in double.
    /// </summary>
    private static (bool Accepted, double Value, int Evaluations) LineSearch(Objective f, ReadOnlySpan<double> x, double f0, double slope0, double[] direction, double initial, double[] xNew, double[] gNew)
    {
        const double c1 = 1e-4, c2 = 0.9;

        // Near the minimum a step changes f by less than the rounding of its evaluation (a sum over many rows, relative
        // error far above one ulp): there a value counts as "not higher" within this band and the directional derivative
        // decides (the approximate Wolfe conditions of Hager and Zhang).
        double flatBand = 1e-12 * (1.0 + Math.Abs(f0));
        double tPrev = 0.0, fPrev = f0, dPrev = slope0;
        double t = initial;
        int evaluations = 0;
        double lo = double.NaN, hi = double.NaN, fLo = 0, dLo = 0, fHi = 0, dHi = 0;
        for (int i = 0; i < 60; i++)
        {
            double ft = Evaluate(f, x, t, direction, xNew, gNew);
            evaluations++;
            double dt = Dot(gNew, direction);
            bool flat = Math.Abs(ft - f0) <= flatBand;
            bool decrease = ft <= f0 + (c1 * t * slope0) || (flat && dt <= 0.0);
            if (!decrease || (i > 0 && !flat && ft >= fPrev))
            {
                (lo, fLo, dLo, hi, fHi, dHi) = (tPrev, fPrev, dPrev, t, ft, dt);
                break;
            }

            if (Math.Abs(dt) <= -c2 * slope0)
            {
                return (true, ft, evaluations);
            }

            if (dt >= 0.0)
            {
                (lo, fLo, dLo, hi, fHi, dHi) = (t, ft, dt, tPrev, fPrev, dPrev);
                break;
            }

            (tPrev, fPrev, dPrev) = (t, ft, dt);
            t *= 2.0;
        }

        if (double.IsNaN(lo))
        {
            return (false, f0, evaluations);
        }

        for (int i = 0; i < 80; i++)
        {
            double a = Math.Min(lo, hi), b = Math.Max(lo, hi);
            if (b - a <= 1e-16 * b)
            {
                break;
            }

            double trial = Cubic(lo, fLo, dLo, hi, fHi, dHi);
            if (!(trial > a + (0.05 * (b - a)) && trial < b - (0.05 * (b - a))))
            {
                trial = 0.5 * (a + b);
            }

            double ft = Evaluate(f, x, trial, direction, xNew, gNew);
            evaluations++;
            double dt = Dot(gNew, direction);
            bool flat = Math.Abs(ft - f0) <= flatBand;
            if (!flat && (ft > f0 + (c1 * trial * slope0) || ft >= fLo))
            {
                (hi, fHi, dHi) = (trial, ft, dt);
                continue;
            }

            if (Math.Abs(dt) <= -c2 * slope0)
            {
                return (true, ft, evaluations);
            }

            if (dt * (hi - lo) >= 0.0)
            {
                (hi, fHi, dHi) = (lo, fLo, dLo);
            }

            (lo, fLo, dLo) = (trial, ft, dt);
        }

        // The bracket reached double resolution: accept its best end when it improves on the start (or, at the flat bottom,
        // lowers the slope's magnitude), otherwise report that nothing moved.
        if (lo > 0.0 && (fLo < f0 || (Math.Abs(fLo - f0) <= flatBand && Math.Abs(dLo) < Math.Abs(slope0))))
        {
            double fl = Evaluate(f, x, lo, direction, xNew, gNew);
            return (true, fl, evaluations + 1);
        }

        return (false, f0, evaluations);
    }

    /// <summary>The minimiser of the cubic through <c>(a, fa, da)</c> and <c>(b, fb, db)</c>, or NaN.</summary>
    private static double Cubic(double a, double fa, double da, double b, double fb, double db)
    {
        double d1 = da + db - (3.0 * (fa - fb) / (a - b));
        double disc = (d1 * d1) - (da * db);
        if (!(disc >= 0.0))
        {
            return double.NaN;
        }

        double d2 = Math.Sign(b - a) * Math.Sqrt(disc);
        return b - ((b - a) * (db + d2 - d1) / (db - da + (2.0 * d2)));
    }

    private static double Evaluate(Objective f, ReadOnlySpan<double> x, double t, double[] direction, double[] xNew, double[] gNew)
    {
        for (int j = 0; j < x.Length; j++)
        {
            xNew[j] = x[j] + (t * direction[j]);
        }

        return f(xNew, gNew);
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0.0;
        for (int j = 0; j < a.Length; j++)
        {
            sum += a[j] * b[j];
        }

        return sum;
    }

    private static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        for (int j = 0; j < x.Length; j++)
        {
            y[j] += a * x[j];
        }
    }

    private static void Scale(double a, Span<double> x)
    {
        for (int j = 0; j < x.Length; j++)
        {
            x[j] *= a;
        }
    }

    private static double Norm(ReadOnlySpan<double> g) => Math.Sqrt(Dot(g, g));
}
