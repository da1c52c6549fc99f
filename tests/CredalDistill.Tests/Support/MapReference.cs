using CredalDistill.Calibration;

namespace CredalDistill.Tests.Support;

/// <summary>
/// An independent implementation of the vector and matrix maps of docs/METHOD.md, written for the tests from the definition:
/// the objective is the mean <c>KL(c_i || softmax(z_i))</c> (targets: the cloud, or one-hot labels) plus the ODIR penalty
/// <c>lam (sum_{j != k} W_jk^2 / (K (K - 1)) + sum_k b_k^2 / K)</c> (vector: <c>lam sum_k b_k^2 / K</c>), minimised from the
/// identity by damped Newton with the exact Hessian <c>J^T (diag q - q q^T) J</c> and a dense Gaussian-elimination solve. The
/// library fits the same objective by L-BFGS, so the two share no solver code.
/// </summary>
internal static class MapReference
{
    /// <summary>The reference: Newton on the definition. Returns the parameters (vector: w then b; matrix: W row-major then b).</summary>
    public static double[] Fit(CalibrationData data, bool matrix, double lam, bool labels)
    {
        int n = data.Rows, k = data.Classes;
        int p = matrix ? (k * k) + k : 2 * k;
        var theta = new double[p];
        for (int j = 0; j < k; j++)
        {
            theta[matrix ? (j * k) + j : j] = 1.0;
        }

        var l = new double[n][];
        var c = new double[n][];
        for (int i = 0; i < n; i++)
        {
            var z = data.Edge.Row(i).ToArray().Select(v => Math.Log(v)).ToArray();
            l[i] = data.Edge.HasLogProbabilities ? data.Edge.LogRow(i).ToArray() : z;
            c[i] = labels ? Enumerable.Range(0, k).Select(j => j == data.Labels.Span[i] ? 1.0 : 0.0).ToArray() : data.Cloud.Row(i).ToArray();
        }

        // d z_j / d theta: matrix: W_jm -> l_m, b_j -> 1; vector: w_j -> l_j, b_j -> 1.
        double[] Jacobian(double[] li, int j)
        {
            var row = new double[p];
            if (matrix)
            {
                for (int m = 0; m < k; m++)
                {
                    row[(j * k) + m] = li[m];
                }

                row[(k * k) + j] = 1.0;
            }
            else
            {
                row[j] = li[j];
                row[k + j] = 1.0;
            }

            return row;
        }

        // The objective straight from the definition: mean KL(c_i || softmax(z_i)) plus the ODIR penalty.
        double Objective(double[] t)
        {
            double f = 0.0;
            for (int i = 0; i < n; i++)
            {
                var z = Enumerable.Range(0, k).Select(j => Jacobian(l[i], j).Zip(t, (a, b) => a * b).Sum()).ToArray();
                double max = z.Max();
                double lse = max + Math.Log(z.Sum(v => Math.Exp(v - max)));
                for (int j = 0; j < k; j++)
                {
                    f += c[i][j] > 0 ? c[i][j] * (Math.Log(c[i][j]) - (z[j] - lse)) / n : 0.0;
                }
            }

            int bias = matrix ? k * k : k;
            for (int j = 0; j < k; j++)
            {
                f += lam * t[bias + j] * t[bias + j] / k;
                for (int m = 0; matrix && m < k; m++)
                {
                    f += m != j ? lam * t[(j * k) + m] * t[(j * k) + m] / (k * (k - 1.0)) : 0.0;
                }
            }

            return f;
        }

        for (int iteration = 0; iteration < 100; iteration++)
        {
            var g = new double[p];
            var h = new double[p, p];
            for (int i = 0; i < n; i++)
            {
                var jac = Enumerable.Range(0, k).Select(j => Jacobian(l[i], j)).ToArray();
                var z = jac.Select(row => row.Zip(theta, (a, b) => a * b).Sum()).ToArray();
                double max = z.Max();
                var q = z.Select(v => Math.Exp(v - max)).ToArray();
                double sum = q.Sum();
                q = q.Select(v => v / sum).ToArray();
                for (int j = 0; j < k; j++)
                {
                    for (int a = 0; a < p; a++)
                    {
                        g[a] += (q[j] - c[i][j]) * jac[j][a] / n;
                    }
                }

                // Hessian of logsumexp: J^T (diag q - q q^T) J, over the non-zero entries of each Jacobian row.
                var nonzero = jac.Select(row => Enumerable.Range(0, p).Where(a => row[a] != 0.0).ToArray()).ToArray();
                for (int j = 0; j < k; j++)
                {
                    for (int m = 0; m < k; m++)
                    {
                        double w = ((j == m ? q[j] : 0.0) - (q[j] * q[m])) / n;
                        foreach (int a in nonzero[j])
                        {
                            foreach (int b in nonzero[m])
                            {
                                h[a, b] += w * jac[j][a] * jac[m][b];
                            }
                        }
                    }
                }
            }

            // Penalty: off-diagonal weights (matrix) and intercepts; the diagonal is free.
            int biasStart = matrix ? k * k : k;
            for (int j = 0; j < k; j++)
            {
                g[biasStart + j] += 2 * lam * theta[biasStart + j] / k;
                h[biasStart + j, biasStart + j] += 2 * lam / k;
                for (int m = 0; matrix && m < k; m++)
                {
                    if (m != j)
                    {
                        g[(j * k) + m] += 2 * lam * theta[(j * k) + m] / (k * (k - 1.0));
                        h[(j * k) + m, (j * k) + m] += 2 * lam / (k * (k - 1.0));
                    }
                }
            }

            if (Math.Sqrt(g.Sum(v => v * v)) < 1e-13)
            {
                break;
            }

            // Damped Newton: halve the step until the objective decreases (or the step is below resolution).
            var step = Solve(h, g);
            double f0 = Objective(theta);
            for (double t = 1.0; t > 1e-12; t /= 2)
            {
                var trial = theta.Select((v, a) => v - (t * step[a])).ToArray();
                if (Objective(trial) <= f0)
                {
                    theta = trial;
                    break;
                }
            }
        }

        return theta;
    }

    /// <summary>Gaussian elimination with partial pivoting.</summary>
    private static double[] Solve(double[,] a, double[] b)
    {
        int n = b.Length;
        var m = (double[,])a.Clone();
        var x = (double[])b.Clone();
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < n; r++)
            {
                pivot = Math.Abs(m[r, col]) > Math.Abs(m[pivot, col]) ? r : pivot;
            }

            for (int cc = 0; cc < n; cc++)
            {
                (m[col, cc], m[pivot, cc]) = (m[pivot, cc], m[col, cc]);
            }

            (x[col], x[pivot]) = (x[pivot], x[col]);
            for (int r = col + 1; r < n; r++)
            {
                double f = m[r, col] / m[col, col];
                for (int cc = col; cc < n; cc++)
                {
                    m[r, cc] -= f * m[col, cc];
                }

                x[r] -= f * x[col];
            }
        }

        for (int r = n - 1; r >= 0; r--)
        {
            double s = x[r];
            for (int cc = r + 1; cc < n; cc++)
            {
                s -= m[r, cc] * x[cc];
            }

            x[r] = s / m[r, r];
        }

        return x;
    }

    /// <summary>softmax(A l + b) of every row, from the reference parameters.</summary>
    public static double[] Apply(double[] theta, int k, ProbabilityMatrix test, bool matrix)
    {
        var result = new double[test.Rows * k];
        for (int i = 0; i < test.Rows; i++)
        {
            var l = test.LogRow(i).ToArray();
            var z = new double[k];
            for (int j = 0; j < k; j++)
            {
                z[j] = matrix ? Enumerable.Range(0, k).Sum(m => theta[(j * k) + m] * l[m]) + theta[(k * k) + j] : (theta[j] * l[j]) + theta[k + j];
            }

            double max = z.Max();
            double sum = z.Sum(v => Math.Exp(v - max));
            for (int j = 0; j < k; j++)
            {
                result[(i * k) + j] = Math.Exp(z[j] - max) / sum;
            }
        }

        return result;
    }
}
