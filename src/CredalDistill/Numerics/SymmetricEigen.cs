namespace CredalDistill.Numerics;

/// <summary>
/// Eigendecomposition <c>A = Q diag(lambda) Q^T</c> of a dense symmetric matrix. <see cref="Decompose"/> uses
/// Householder reduction to tridiagonal form followed by the implicit QL algorithm (EISPACK tred2/tql2, as in JAMA),
/// O(n^3) with a small constant. The tests cross-check it against the cyclic Jacobi method (tests/.../Support/JacobiEigen.cs).
/// </summary>
internal static class SymmetricEigen
{
    /// <summary>
    /// Decomposes the row-major symmetric <paramref name="matrix"/> (<c>n x n</c>; read, not modified) by tridiagonal QL.
    /// On return <paramref name="eigenvalues"/> holds <c>lambda_j</c> (ascending) and column <c>j</c> of the row-major
    /// <paramref name="eigenvectors"/> holds the unit eigenvector <c>q_j</c>.
    /// </summary>
    public static void Decompose(double[] matrix, int n, double[] eigenvalues, double[] eigenvectors)
    {
        var v = new double[n][];
        for (int i = 0; i < n; i++)
        {
            v[i] = matrix.AsSpan(i * n, n).ToArray();
        }

        var d = eigenvalues;
        var e = new double[n];
        Tridiagonalize(v, d, e, n);

        // tql2 rotates pairs of columns of V; work on W = V^T so that the rotations touch contiguous rows.
        var w = new double[n][];
        for (int i = 0; i < n; i++)
        {
            w[i] = new double[n];
            for (int k = 0; k < n; k++)
            {
                w[i][k] = v[k][i];
            }
        }

        TridiagonalQl(w, d, e, n);
        for (int j = 0; j < n; j++)
        {
            for (int k = 0; k < n; k++)
            {
                eigenvectors[(k * n) + j] = w[j][k];
            }
        }
    }

    /// <summary>Householder reduction of the symmetric <paramref name="v"/> to tridiagonal form (EISPACK tred2).</summary>
    private static void Tridiagonalize(double[][] v, double[] d, double[] e, int n)
    {
        for (int j = 0; j < n; j++)
        {
            d[j] = v[n - 1][j];
        }

        for (int i = n - 1; i > 0; i--)
        {
            double scale = 0.0;
            double h = 0.0;
            for (int k = 0; k < i; k++)
            {
                scale += Math.Abs(d[k]);
            }

            if (scale == 0.0)
            {
                e[i] = d[i - 1];
                for (int j = 0; j < i; j++)
                {
                    d[j] = v[i - 1][j];
                    v[i][j] = 0.0;
                    v[j][i] = 0.0;
                }
            }
            else
            {
                for (int k = 0; k < i; k++)
                {
                    d[k] /= scale;
                    h += d[k] * d[k];
                }

                double f = d[i - 1];
                double g = Math.Sqrt(h);
                if (f > 0)
                {
                    g = -g;
                }

                e[i] = scale * g;
                h -= f * g;
                d[i - 1] = f - g;
                for (int j = 0; j < i; j++)
                {
                    e[j] = 0.0;
                }

                for (int j = 0; j < i; j++)
                {
                    f = d[j];
                    v[j][i] = f;
                    g = e[j] + (v[j][j] * f);
                    for (int k = j + 1; k <= i - 1; k++)
                    {
                        g += v[k][j] * d[k];
                        e[k] += v[k][j] * f;
                    }

                    e[j] = g;
                }

                f = 0.0;
                for (int j = 0; j < i; j++)
                {
                    e[j] /= h;
                    f += e[j] * d[j];
                }

                double hh = f / (h + h);
                for (int j = 0; j < i; j++)
                {
                    e[j] -= hh * d[j];
                }

                for (int j = 0; j < i; j++)
                {
                    f = d[j];
                    g = e[j];
                    for (int k = j; k <= i - 1; k++)
                    {
                        v[k][j] -= (f * e[k]) + (g * d[k]);
                    }

                    d[j] = v[i - 1][j];
                    v[i][j] = 0.0;
                }
            }

            d[i] = h;
        }

        for (int i = 0; i < n - 1; i++)
        {
            v[n - 1][i] = v[i][i];
            v[i][i] = 1.0;
            double h = d[i + 1];
            if (h != 0.0)
            {
                for (int k = 0; k <= i; k++)
                {
                    d[k] = v[k][i + 1] / h;
                }

                for (int j = 0; j <= i; j++)
                {
                    double g = 0.0;
                    for (int k = 0; k <= i; k++)
                    {
                        g += v[k][i + 1] * v[k][j];
                    }

                    for (int k = 0; k <= i; k++)
                    {
                        v[k][j] -= g * d[k];
                    }
                }
            }

            for (int k = 0; k <= i; k++)
            {
                v[k][i + 1] = 0.0;
            }
        }

        for (int j = 0; j < n; j++)
        {
            d[j] = v[n - 1][j];
            v[n - 1][j] = 0.0;
        }

        v[n - 1][n - 1] = 1.0;
        e[0] = 0.0;
    }

    /// <summary>Implicit QL on the tridiagonal (d, e), accumulating into the transposed vectors <paramref name="w"/> (EISPACK tql2).</summary>
    private static void TridiagonalQl(double[][] w, double[] d, double[] e, int n)
    {
        for (int i = 1; i < n; i++)
        {
            e[i - 1] = e[i];
        }

        e[n - 1] = 0.0;
        double f = 0.0;
        double tst1 = 0.0;
        double eps = Math.Pow(2.0, -52.0);
        for (int l = 0; l < n; l++)
        {
            tst1 = Math.Max(tst1, Math.Abs(d[l]) + Math.Abs(e[l]));
            int m = l;
            while (m < n)
            {
                if (Math.Abs(e[m]) <= eps * tst1)
                {
                    break;
                }

                m++;
            }

            if (m > l)
            {
                int iteration = 0;
                do
                {
                    iteration++;
                    double g = d[l];
                    double p = (d[l + 1] - g) / (2.0 * e[l]);
                    double r = Hypot(p, 1.0);
                    if (p < 0)
                    {
                        r = -r;
                    }

                    d[l] = e[l] / (p + r);
                    d[l + 1] = e[l] * (p + r);
                    double dl1 = d[l + 1];
                    double h = g - d[l];
                    for (int i = l + 2; i < n; i++)
                    {
                        d[i] -= h;
                    }

                    f += h;
                    p = d[m];
                    double c = 1.0;
                    double c2 = c;
                    double c3 = c;
                    double el1 = e[l + 1];
                    double s = 0.0;
                    double s2 = 0.0;
                    for (int i = m - 1; i >= l; i--)
                    {
                        c3 = c2;
                        c2 = c;
                        s2 = s;
                        g = c * e[i];
                        h = c * p;
                        r = Hypot(p, e[i]);
                        e[i + 1] = s * r;
                        s = e[i] / r;
                        c = p / r;
                        p = (c * d[i]) - (s * g);
                        d[i + 1] = h + (s * ((c * g) + (s * d[i])));
                        var wi = w[i];
                        var wi1 = w[i + 1];
                        for (int k = 0; k < n; k++)
                        {
                            h = wi1[k];
                            wi1[k] = (s * wi[k]) + (c * h);
                            wi[k] = (c * wi[k]) - (s * h);
                        }
                    }

                    p = -s * s2 * c3 * el1 * e[l] / dl1;
                    e[l] = s * p;
                    d[l] = c * p;
                }
                while (Math.Abs(e[l]) > eps * tst1 && iteration < 100);
            }

            d[l] += f;
            e[l] = 0.0;
        }

        // Sort ascending (selection sort on the values, swapping the vector rows).
        for (int i = 0; i < n - 1; i++)
        {
            int k = i;
            for (int j = i + 1; j < n; j++)
            {
                if (d[j] < d[k])
                {
                    k = j;
                }
            }

            if (k != i)
            {
                (d[k], d[i]) = (d[i], d[k]);
                (w[k], w[i]) = (w[i], w[k]);
            }
        }
    }

    private static double Hypot(double a, double b)
    {
        a = Math.Abs(a);
        b = Math.Abs(b);
        if (a < b)
        {
            (a, b) = (b, a);
        }

        if (a == 0.0)
        {
            return 0.0;
        }

        double ratio = b / a;
        return a * Math.Sqrt(1.0 + (ratio * ratio));
    }
}
