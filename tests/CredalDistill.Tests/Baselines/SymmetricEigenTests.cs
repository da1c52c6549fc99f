using CredalDistill.Numerics;

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
        SymmetricEigen.Decompose((double[])a.Clone(), n, values, vectors);
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
        SymmetricEigen.Decompose([3.0, 0.0, 0.0, -2.0], 2, values, vectors);
        Assert.Equal([3.0, -2.0], values);

        // [[1, 1], [1, 1]] has eigenvalues 0 and 2.
        SymmetricEigen.Decompose([1.0, 1.0, 1.0, 1.0], 2, values, vectors);
        Array.Sort(values);
        Assert.Equal(0.0, values[0], 14);
        Assert.Equal(2.0, values[1], 14);
    }
}
