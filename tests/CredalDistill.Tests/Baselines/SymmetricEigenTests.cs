using CredalDistill.Numerics;
using CredalDistill.Tests.Support;

namespace CredalDistill.Tests.Baselines;

public class SymmetricEigenTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(40)]
    public void Reconstructs_a_random_symmetric_matrix_with_orthonormal_vectors(int n)
    {
        Check(n, jacobi: false);
        Check(n, jacobi: true);
    }

    [Fact]
    public void Ql_and_jacobi_agree_on_a_rank_deficient_gram_matrix()
    {
        // A = X^T X with X 3 x 8: rank 3, five zero eigenvalues (the GGN of a few samples looks like this).
        const int n = 8;
        var x = BaselineData.Logits(3, n, 1.0, 77);
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                for (int r = 0; r < 3; r++)
                {
                    a[(i * n) + j] += x[(r * n) + i] * x[(r * n) + j];
                }
            }
        }

        var ql = new double[n];
        var jac = new double[n];
        var vectors = new double[n * n];
        SymmetricEigen.Decompose(a, n, ql, vectors);
        JacobiEigen.Decompose((double[])a.Clone(), n, jac, vectors);
        Array.Sort(jac);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(jac[i], ql[i], 10);
        }

        Assert.Equal(0.0, ql[4], 10);
        Assert.True(ql[5] > 1e-3);
    }

    private static void Check(int n, bool jacobi)
    {
        var r = BaselineData.Logits(n, n, 1.0, (ulong)(1000 + n));
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                a[(i * n) + j] = r[(i * n) + j] + r[(j * n) + i];
            }
        }

        var values = new double[n];
        var vectors = new double[n * n];
        if (jacobi)
        {
            JacobiEigen.Decompose((double[])a.Clone(), n, values, vectors);
        }
        else
        {
            var copy = (double[])a.Clone();
            SymmetricEigen.Decompose(copy, n, values, vectors);
            Assert.Equal(a, copy); // input untouched
            for (int i = 1; i < n; i++)
            {
                Assert.True(values[i - 1] <= values[i]);
            }
        }

        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double rebuilt = 0.0, gram = 0.0;
                for (int m = 0; m < n; m++)
                {
                    rebuilt += vectors[(i * n) + m] * values[m] * vectors[(j * n) + m];
                    gram += vectors[(m * n) + i] * vectors[(m * n) + j];
                }

                Assert.Equal(a[(i * n) + j], rebuilt, 10);
                Assert.Equal(i == j ? 1.0 : 0.0, gram, 12);
            }
        }
    }

    [Fact]
    public void Diagonal_and_rank_one_hand_examples()
    {
        var values = new double[2];
        var vectors = new double[4];
        JacobiEigen.Decompose([3.0, 0.0, 0.0, -2.0], 2, values, vectors);
        Assert.Equal([3.0, -2.0], values);
        SymmetricEigen.Decompose([3.0, 0.0, 0.0, -2.0], 2, values, vectors);
        Assert.Equal([-2.0, 3.0], values);

        // [[1, 1], [1, 1]] has eigenvalues 0 and 2.
        SymmetricEigen.Decompose([1.0, 1.0, 1.0, 1.0], 2, values, vectors);
        Array.Sort(values);
        Assert.Equal(0.0, values[0], 14);
        Assert.Equal(2.0, values[1], 14);
    }
}
