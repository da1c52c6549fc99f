namespace CredalDistill.Experiments;

/// <summary>
/// Quantiles of Student's t distribution (for the paired intervals over splits, <see cref="SplitComparison"/>): the CDF
/// <c>F(t) = 1 - I_x(nu/2, 1/2) / 2</c> for <c>t &gt;= 0</c> with <c>x = nu / (nu + t^2)</c> (regularized incomplete beta by
/// its continued fraction, log-gamma by Lanczos), inverted by bisection.
/// </summary>
public static class StudentT
{
    /// <summary>The quantile <c>t_p</c> with <c>P(T &lt;= t_p) = p</c> for <paramref name="degrees"/> degrees of freedom.</summary>
    public static double Quantile(double p, double degrees)
    {
        if (!(p > 0 && p < 1) || !(degrees > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(p), $"p must be in (0, 1) and degrees positive (got p = {p}, degrees = {degrees}).");
        }

        if (p < 0.5)
        {
            return -Quantile(1 - p, degrees);
        }

        if (p == 0.5)
        {
            return 0.0;
        }

        double hi = 1.0;
        while (Cdf(hi, degrees) < p)
        {
            hi *= 2;
        }

        double lo = 0.0;
        for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (Cdf(mid, degrees) < p)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return 0.5 * (lo + hi);
    }

    /// <summary><c>P(T &lt;= t)</c>.</summary>
    public static double Cdf(double t, double degrees)
    {
        double tail = 0.5 * RegularizedBeta(degrees / (degrees + (t * t)), degrees / 2, 0.5);
        return t >= 0 ? 1 - tail : tail;
    }

    /// <summary><c>I_x(a, b)</c> by the continued fraction (modified Lentz), using the symmetry for <c>x &gt; (a + 1)/(a + b + 2)</c>.</summary>
    private static double RegularizedBeta(double x, double a, double b)
    {
        if (x <= 0)
        {
            return 0;
        }

        if (x >= 1)
        {
            return 1;
        }

        double front = Math.Exp((a * Math.Log(x)) + (b * Math.Log(1 - x)) - LogBeta(a, b));
        return x < (a + 1) / (a + b + 2) ? front * Fraction(x, a, b) / a : 1 - (front * Fraction(1 - x, b, a) / b);
    }

    private static double Fraction(double x, double a, double b)
    {
        const double tiny = 1e-300;
        double c = 1;
        double d = 1 - ((a + b) * x / (a + 1));
        d = 1 / (Math.Abs(d) < tiny ? tiny : d);
        double h = d;
        for (int m = 1; m <= 500; m++)
        {
            double even = m * (b - m) * x / ((a + (2 * m) - 1) * (a + (2 * m)));
            d = 1 + (even * d);
            d = 1 / (Math.Abs(d) < tiny ? tiny : d);
            c = 1 + (even / c);
            c = Math.Abs(c) < tiny ? tiny : c;
            h *= d * c;
            double odd = -(a + m) * (a + b + m) * x / ((a + (2 * m)) * (a + (2 * m) + 1));
            d = 1 + (odd * d);
            d = 1 / (Math.Abs(d) < tiny ? tiny : d);
            c = 1 + (odd / c);
            c = Math.Abs(c) < tiny ? tiny : c;
            double step = d * c;
            h *= step;
            if (Math.Abs(step - 1) < 1e-16)
            {
                break;
            }
        }

        return h;
    }

    private static double LogBeta(double a, double b) => LogGamma(a) + LogGamma(b) - LogGamma(a + b);

    /// <summary>Lanczos approximation (g = 7, 9 terms), reflection below 1/2.</summary>
    private static double LogGamma(double x)
    {
        if (x < 0.5)
        {
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }

        ReadOnlySpan<double> g =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        x -= 1;
        double sum = g[0];
        for (int i = 1; i < g.Length; i++)
        {
            sum += g[i] / (x + i);
        }

        double t = x + 7.5;
        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(sum);
    }
}
