using CredalDistill.Baselines;
using CredalDistill.Calibration;
using CredalDistill.Credal;
using CredalDistill.Divergences;
using CredalDistill.Numerics;
using CredalDistill.Tests.Baselines;

namespace CredalDistill.Tests.Calibration;

/// <summary>Seeded synthetic calibration and test sets: an overconfident edge (logits x 2.5 plus noise) of a cloud, labels drawn from the cloud.</summary>
internal static class CalibrationFixture
{
    public const int Classes = 4;

    public const int Dimension = 3;

    /// <summary>The calibration set (edge from logits), with labels and last-layer features.</summary>
    public static CalibrationData Data(int rows = 80, ulong seed = 11, bool edgeLogits = true, int classes = Classes)
    {
        var (cloud, edgeZ, labels, features, weights, bias) = Raw(rows, seed, classes);
        var edge = edgeLogits ? ProbabilityMatrix.FromLogits(edgeZ, classes) : ProbabilityMatrix.FromProbabilities(BaselineData.SoftmaxRows(edgeZ, classes), classes);
        return new CalibrationData(cloud, edge, labels, new LastLayerFeatures(features, Dimension, weights, bias));
    }

    /// <summary>Fresh edge outputs (and their features) to apply a fitted calibrator to.</summary>
    public static (ProbabilityMatrix Edge, double[] Features) Test(int rows = 70, ulong seed = 99, int classes = Classes)
    {
        var (_, edgeZ, _, features, _, _) = Raw(rows, seed, classes);
        return (ProbabilityMatrix.FromLogits(edgeZ, classes), features);
    }

    /// <summary>Every calibrator of the contract suite, by a test name (small selection grids to keep the suite fast).</summary>
    public static Calibrator Create(string name) => name switch
    {
        "cdci-kl" => new CdciCalibrator(),
        "cdci-tv-maxent" => new CdciCalibrator { Divergence = Divergence.Parse("tv"), Epsilon = 0.2, Output = CalibratedOutput.MaximumEntropy },
        "cdci-hellinger-centroid" => new CdciCalibrator { Divergence = Divergence.Parse("hellinger"), Output = CalibratedOutput.Centroid, PredictorOptions = new() { MonteCarlo = MonteCarloOptions.Default with { Samples = 200 } } },
        "cdci-auto-eps" => new CdciCalibrator { Epsilon = null, EpsilonCandidates = [0.05, 0.1, 0.3] },
        "cdci-auto-both" => new CdciCalibrator { Divergence = null, Epsilon = null, DivergenceCandidates = [Divergence.KL, Divergence.Parse("chi2")], EpsilonCandidates = [0.1, 0.3] },
        "cdci-mondrian" => new CdciCalibrator { Mondrian = true, Epsilon = 0.2 },
        "cdci-mondrian-pac-maxent" => new CdciCalibrator { Mondrian = true, Epsilon = 0.3, Delta = 0.2, Output = CalibratedOutput.MaximumEntropy },
        "cdci-shift" => new CdciCalibrator { DeploymentEdge = Test(rows: 60, seed: 5).Edge },
        "ts-nll" => new TemperatureScalingCalibrator(),
        "ts-ece" => new TemperatureScalingCalibrator { Objective = MapObjective.ExpectedCalibrationError },
        "distilled-ts" => new DistilledTemperatureCalibrator(),
        "distilled-ts+cdci" => new MapThenCdciCalibrator(),
        "distilled-vs" => new DistilledVectorScalingCalibrator { Regularization = 0.01 },
        "distilled-ms" => new DistilledMatrixScalingCalibrator { Regularization = 0.1 },
        "distilled-ms+cdci-auto" => new MapThenCdciCalibrator { MapCalibrator = new DistilledMatrixScalingCalibrator(), Output = CalibratedOutput.MaximumEntropy },
        "vs" => new VectorScalingCalibrator { Regularization = 0.1 },
        "ms" => new MatrixScalingCalibrator { Regularization = 0.1 },
        "auto" => new AutoCalibrator { DivergenceCandidates = [Divergence.KL, Divergence.Parse("tv")], EpsilonCandidates = [0.05, 0.2] },
        "laplace-kfac" => new LaplaceCalibrator(),
        "laplace-diag" => new LaplaceCalibrator { Kind = LastLayerLaplaceKind.Diagonal },
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown test calibrator"),
    };

    public static TheoryData<string> Names =>
    [
        "cdci-kl", "cdci-tv-maxent", "cdci-hellinger-centroid", "cdci-auto-eps", "cdci-auto-both", "cdci-mondrian", "cdci-mondrian-pac-maxent", "cdci-shift", "ts-nll", "ts-ece", "distilled-ts",
        "distilled-ts+cdci", "distilled-vs", "distilled-ms", "distilled-ms+cdci-auto", "vs", "ms", "auto", "laplace-kfac", "laplace-diag",
    ];

    private static (ProbabilityMatrix Cloud, double[] EdgeZ, int[] Labels, double[] Features, double[] Weights, double[] Bias) Raw(int rows, ulong seed, int classes)
    {
        var rng = new SplitMix64(seed, 3);
        var features = new double[rows * Dimension];
        for (int j = 0; j < features.Length; j++)
        {
            features[j] = rng.NextGaussian();
        }

        var weights = new double[classes * Dimension];
        var bias = new double[classes];
        var weightRng = new SplitMix64(5);
        for (int j = 0; j < weights.Length; j++)
        {
            weights[j] = weightRng.NextGaussian();
        }

        var cloudZ = new double[rows * classes];
        var edgeZ = new double[rows * classes];
        for (int i = 0; i < rows; i++)
        {
            for (int k = 0; k < classes; k++)
            {
                double z = bias[k];
                for (int d = 0; d < Dimension; d++)
                {
                    z += weights[(k * Dimension) + d] * features[(i * Dimension) + d];
                }

                cloudZ[(i * classes) + k] = z;
                edgeZ[(i * classes) + k] = (2.5 * z) + (0.8 * rng.NextGaussian());
            }
        }

        var cloud = ProbabilityMatrix.FromLogits(cloudZ, classes);
        return (cloud, edgeZ, BaselineData.SampleLabels(cloudZ, classes, 1.0, seed), features, weights, bias);
    }
}
