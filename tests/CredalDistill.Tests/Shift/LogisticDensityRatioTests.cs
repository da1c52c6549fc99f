using CredalDistill.Shift;
using CredalDistill.Tests.Support;

namespace CredalDistill.Tests.Shift;

/// <summary>The density-ratio classifier: optimality conditions checked independently, no shift gives weights near 1, a shift is found.</summary>
public class LogisticDensityRatioTests
{
    [Fact]
    public void The_fit_satisfies_the_penalised_optimality_conditions()
    {
        // Recompute the features and the gradient of the penalised log-loss in the test, from the definition.
        var rng = new Random(8);
        var (_, cal) = SyntheticPairs.Draw(rng, 400, 3);
        var (_, dep) = SyntheticPairs.Draw(rng, 300, 3, shift: 1.0);
        const double ridge = 0.05;
        var ratio = LogisticDensityRatio.Fit(cal, dep, ridge);
        var rows = new List<(double[] Phi, double Y)>();
        foreach (var (m, y) in new[] { (cal, 0.0), (dep, 1.0) })
        {
            for (int i = 0; i < m.Rows; i++)
            {
                rows.Add((m.LogRow(i).ToArray().Select(v => Math.Max(v, LogisticDensityRatio.LogFloor)).ToArray(), y));
            }
        }

        var mean = Enumerable.Range(0, 3).Select(j => rows.Average(r => r.Phi[j])).ToArray();
        var sd = Enumerable.Range(0, 3).Select(j => Math.Sqrt(rows.Average(r => Math.Pow(r.Phi[j] - mean[j], 2)))).ToArray();
        var theta = ratio.Coefficients.ToArray();
        var gradient = new double[4];
        foreach (var (phi, y) in rows)
        {
            double[] x = [1, (phi[0] - mean[0]) / sd[0], (phi[1] - mean[1]) / sd[1], (phi[2] - mean[2]) / sd[2]];
            double mu = 1 / (1 + Math.Exp(-x.Zip(theta, (a, b) => a * b).Sum()));
            for (int j = 0; j < 4; j++)
            {
                gradient[j] += (mu - y) * x[j];
            }
        }

        for (int j = 1; j < 4; j++)
        {
            gradient[j] += ridge * theta[j];
        }

        Assert.All(gradient, g => Assert.True(Math.Abs(g) < 1e-6, $"gradient {string.Join(", ", gradient)}"));

        // The weight is the odds times n_cal / n_dep.
        var row = dep.AsEdgeRow(0);
        double[] x0 = [1, (Math.Max(dep.LogRow(0)[0], -30) - mean[0]) / sd[0], (Math.Max(dep.LogRow(0)[1], -30) - mean[1]) / sd[1], (Math.Max(dep.LogRow(0)[2], -30) - mean[2]) / sd[2]];
        Assert.Equal(Math.Log(400.0 / 300.0) + x0.Zip(theta, (a, b) => a * b).Sum(), ratio.LogWeight(row), 9);
    }

    [Fact]
    public void Same_distribution_gives_weights_near_one_and_a_shift_raises_deployment_weights()
    {
        var rng = new Random(9);
        var (_, cal) = SyntheticPairs.Draw(rng, 3000, 4);
        var (_, same) = SyntheticPairs.Draw(rng, 3000, 4);
        var flat = LogisticDensityRatio.Fit(cal, same).Weights(cal);
        Assert.InRange(flat.Min(), 0.7, 1.0);
        Assert.InRange(flat.Max(), 1.0, 1.4);

        var (_, shifted) = SyntheticPairs.Draw(rng, 3000, 4, shift: 2.0);
        var ratio = LogisticDensityRatio.Fit(cal, shifted);
        double onShifted = ratio.Weights(shifted).Select(w => Math.Log(w)).Average();
        double onCal = ratio.Weights(cal).Select(w => Math.Log(w)).Average();
        Assert.True(onShifted > onCal + 0.5, $"mean log weight {onShifted} (deployment) vs {onCal} (calibration)");
        Assert.Throws<ArgumentException>(() => ratio.LogWeight(EdgeRow.FromProbabilities([0.5, 0.5])));
    }
}
