using CredalDistill.Credal;
using CredalDistill.Tests.Support;

namespace CredalDistill.Tests.Credal;

/// <summary>
/// Brute-force checks for K = 3 against a simplex grid of resolution 0.002 written here, independent of the library:
/// bounds, maximum entropy, centroid and volume fraction, for every divergence.
/// </summary>
public class GridCrossCheckTests
{
    private const int Steps = 500; // resolution h = 0.002
    private const double H = 1.0 / Steps;

    public static TheoryData<string, double[], double> Cases()
    {
        var data = new TheoryData<string, double[], double>();
        double[][] centers = [[0.7, 0.2, 0.1], [0.34, 0.33, 0.33], [0.9, 0.08, 0.02], [0.5, 0.5, 0.0]];
        foreach (var d in Generators.AllDivergences)
        {
            foreach (var p in centers)
            {
                // Radii chosen so the set is many grid cells wide; per divergence scale (TV and Hellinger are bounded).
                data.Add(d.Name, p, 0.05);
                data.Add(d.Name, p, 0.3);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Exact_summaries_match_the_grid(string name, double[] p, double gamma)
    {
        var d = Generators.ByName(name);
        var ball = new DivergenceBall(d, p, gamma);

        // Brute force.
        double[] gl = [double.MaxValue, double.MaxValue, double.MaxValue];
        double[] gu = [double.MinValue, double.MinValue, double.MinValue];
        double[] gc = new double[3];
        double bestEntropy = double.NegativeInfinity;
        int inside = 0;
        int total = 0;
        var q = new double[3];
        for (int i = 0; i <= Steps; i++)
        {
            for (int j = 0; i + j <= Steps; j++)
            {
                total++;
                q[0] = i * H;
                q[1] = j * H;
                q[2] = (Steps - i - j) * H;
                if (d.Compute(q, p) > gamma)
                {
                    continue;
                }

                inside++;
                for (int k = 0; k < 3; k++)
                {
                    gl[k] = Math.Min(gl[k], q[k]);
                    gu[k] = Math.Max(gu[k], q[k]);
                    gc[k] += q[k];
                }

                bestEntropy = Math.Max(bestEntropy, CredalBoundsPropertyTests.Entropy(q));
            }
        }

        var lower = new double[3];
        var upper = new double[3];
        ball.Bounds(lower, upper);
        var me = new double[3];
        ball.MaximumEntropy(me);
        var c = new double[3];
        var se = new double[3];
        double worstSe = ball.Centroid(c, se);
        var volume = ball.VolumeFraction();

        bool faceOnly = !d.AllowsMassOutsideSupport && p.Contains(0.0);
        Assert.True(inside >= 50, $"{name} around [{string.Join(", ", p)}] at gamma {gamma}: only {inside} grid points inside; the case is not resolved by the grid");

        for (int k = 0; k < 3; k++)
        {
            // The exact bounds contain every grid point and are within two grid cells of the grid's extremes.
            Assert.True(lower[k] <= gl[k] + 1e-12 && lower[k] >= gl[k] - (2 * H), $"{name} lower[{k}] {lower[k]} vs grid {gl[k]}");
            Assert.True(upper[k] >= gu[k] - 1e-12 && upper[k] <= gu[k] + (2 * H), $"{name} upper[{k}] {upper[k]} vs grid {gu[k]}");
        }

        Assert.True(CredalBoundsPropertyTests.Entropy(me) >= bestEntropy - 1e-12, $"{name}: maxent {CredalBoundsPropertyTests.Entropy(me)} below grid best {bestEntropy}");
        // The maximum-entropy member lies on the boundary: inside up to the solver's relative resolution.
        Assert.True(d.Compute(me, p) <= (gamma * (1.0 + 1e-12)) + 1e-15, $"{name}: maxent outside the ball, D = {d.Compute(me, p)} > {gamma}");

        if (faceOnly)
        {
            // The set lies in the face q_3 = 0 (no mass where p_3 = 0): zero volume, every member on the face, and the
            // centroid is that of the segment.
            Assert.Equal(0.0, volume.Value);
            Assert.Equal(0.0, gu[2]);
            for (int k = 0; k < 3; k++)
            {
                Assert.True(Math.Abs(c[k] - (gc[k] / inside)) <= 3 * H, $"{name}: face centroid[{k}] {c[k]} vs grid {gc[k] / inside}");
            }
        }
        else
        {
            Assert.True(volume.IsExact);
            Assert.Equal(0.0, worstSe);
            double width = (upper[0] - lower[0]) + (upper[1] - lower[1]) + (upper[2] - lower[2]);
            double share = (double)inside / total;
            Assert.True(Math.Abs(volume.Value - share) <= 4 * H * width, $"{name}: volume {volume.Value} vs grid share {share}");
            for (int k = 0; k < 3; k++)
            {
                Assert.True(Math.Abs(c[k] - (gc[k] / inside)) <= 3 * H, $"{name}: centroid[{k}] {c[k]} vs grid {gc[k] / inside}");
            }
        }
    }
}
