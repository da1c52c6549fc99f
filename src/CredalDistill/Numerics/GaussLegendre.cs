namespace CredalDistill.Numerics;

/// <summary>
/// Gauss-Legendre nodes and weights on [-1, 1] (computed once by Newton iteration on <c>P_n</c>); a rule with
/// <c>n</c> nodes integrates polynomials of degree <c>2n - 1</c> exactly.
/// </summary>
internal sealed class GaussLegendre
{
    private GaussLegendre(int n)
    {
        Nodes = new double[n];
        Weights = new double[n];
        for (int i = 0; i < n; i++)
        {
            double x = Math.Cos(Math.PI * (i + 0.75) / (n + 0.5));
            double derivative = 0.0;
            for (int iteration = 0; iteration < 100; iteration++)
            {
                double p0 = 1.0;
                double p1 = x;
                for (int k = 2; k <= n; k++)
                {
                    double pk = (((2.0 * k) - 1.0) * x * p1 - ((k - 1.0) * p0)) / k;
                    p0 = p1;
                    p1 = pk;
                }

                derivative = n * ((x * p1) - p0) / ((x * x) - 1.0);
                double dx = p1 / derivative;
                x -= dx;
                if (Math.Abs(dx) < 1e-16)
                {
                    break;
                }
            }

            Nodes[i] = x;
            Weights[i] = 2.0 / ((1.0 - (x * x)) * derivative * derivative);
        }
    }

    /// <summary>The 24-point rule used by the credal-set quadratures.</summary>
    public static GaussLegendre Rule24 { get; } = new(24);

    public double[] Nodes { get; }

    public double[] Weights { get; }
}
