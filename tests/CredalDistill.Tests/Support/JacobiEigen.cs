namespace CredalDistill.Tests.Support;

/// <summary>
/// Independent reference for <c>SymmetricEigen.Decompose</c> (Householder + QL): the textbook cyclic Jacobi
/// rotation method, slow but simple enough to trust (rotations <c>A &lt;- P^T A P</c> zeroing <c>a_pq</c>,
/// <c>theta = (a_qq - a_pp) / (2 a_pq)</c>, <c>t = sgn(theta) / (|theta| + sqrt(theta^2 + 1))</c>,
/// <c>c = 1 / sqrt(t^2 + 1)</c>, <c>s = t c</c>, until the off-diagonal Frobenius norm is below 1e-15 of the total).
/// </summary>
internal static class JacobiEigen
{
    /// <summary>
    /// Cyclic Jacobi decomposition of the row-major symmetric <paramref name="matrix"/> (<c>n x n</c>, overwritten).
    /// On return <paramref name="eigenvalues"/> holds <c>lambda_j</c> and column <c>j</c> of the row-major
    /// <paramref name="eigenvectors"/> holds the unit eigenvector <c>q_j</c> (unsorted).
    /// </summary>
    public static void Decompose(double[] matrix, int n, double[] eigenvalues, double[] eigenvectors)
    {
        var a = matrix;
        var v = eigenvectors;
        Array.Clear(v, 0, n * n);
        for (int i = 0; i < n; i++)
        {
            v[(i * n) + i] = 1.0;
        }

        double total = 0.0;
        for (int i = 0; i < n * n; i++)
        {
            total += a[i] * a[i];
        }

        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0.0;
            for (int p = 0; p < n; p++)
            {
                for (int q = p + 1; q < n; q++)
                {
                    off += 2.0 * a[(p * n) + q] * a[(p * n) + q];
                }
            }

            if (off == 0.0 || off <= 1e-30 * total)
            {
                break;
            }

            for (int p = 0; p < n - 1; p++)
            {
                for (int q = p + 1; q < n; q++)
                {
                    double apq = a[(p * n) + q];
                    if (apq == 0.0)
                    {
                        continue;
                    }

                    double theta = (a[(q * n) + q] - a[(p * n) + p]) / (2.0 * apq);
                    double t = Math.Abs(theta) > 1e150
                        ? 0.5 / theta
                        : (theta >= 0.0 ? 1.0 : -1.0) / (Math.Abs(theta) + Math.Sqrt((theta * theta) + 1.0));
                    double c = 1.0 / Math.Sqrt((t * t) + 1.0);
                    double s = t * c;
                    for (int k = 0; k < n; k++)
                    {
                        double akp = a[(k * n) + p];
                        double akq = a[(k * n) + q];
                        a[(k * n) + p] = (c * akp) - (s * akq);
                        a[(k * n) + q] = (s * akp) + (c * akq);
                    }

                    for (int k = 0; k < n; k++)
                    {
                        double apk = a[(p * n) + k];
                        double aqk = a[(q * n) + k];
                        a[(p * n) + k] = (c * apk) - (s * aqk);
                        a[(q * n) + k] = (s * apk) + (c * aqk);
                    }

                    a[(p * n) + q] = 0.0;
                    a[(q * n) + p] = 0.0;
                    for (int k = 0; k < n; k++)
                    {
                        double vkp = v[(k * n) + p];
                        double vkq = v[(k * n) + q];
                        v[(k * n) + p] = (c * vkp) - (s * vkq);
                        v[(k * n) + q] = (s * vkp) + (c * vkq);
                    }
                }
            }
        }

        for (int i = 0; i < n; i++)
        {
            eigenvalues[i] = a[(i * n) + i];
        }
    }
}
