using CredalDistill.Calibration;
using CredalDistill.IO;
using CredalDistill.Tests.IO;

namespace CredalDistill.Tests.Calibration;

/// <summary>The contract every calibrator keeps: fit, row API equals batch API, rows are distributions, artifact round trip, clear rejections.</summary>
public sealed class CalibratorContractTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string> Names => CalibrationFixture.Names;

    [Theory]
    [MemberData(nameof(Names))]
    public void Fit_gives_a_named_calibrator_with_parameters(string name)
    {
        var calibrator = CalibrationFixture.Create(name);
        var fitted = calibrator.Fit(CalibrationFixture.Data());
        Assert.Equal(calibrator.Name, fitted.Name);
        Assert.Equal(CalibrationFixture.Classes, fitted.Classes);
        Assert.NotEmpty(fitted.Parameters);
        Assert.Equal(fitted.RequiresFeatures, fitted.Map is null);
        Assert.Equal(fitted.IsSetValued, fitted.Predictor is not null);
        Assert.Equal(fitted.IsSetValued, fitted.Threshold is not null);
        Assert.Equal(fitted.IsSetValued, fitted.Epsilon is not null);
        if (fitted.Threshold is { } threshold)
        {
            // With a per-row threshold (Mondrian, covariate shift) the marginal threshold is kept for reference only.
            Assert.Equal(threshold.Gamma, fitted.RowThreshold is null ? fitted.Predictor!.Gamma : fitted.ToArtifact().Threshold!.Gamma);
            Assert.Equal(threshold.N, fitted.N);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Row_api_equals_batch_api_and_rows_are_distributions(string name)
    {
        var fitted = CalibrationFixture.Create(name).Fit(CalibrationFixture.Data());
        var (edge, features) = CalibrationFixture.Test();
        double last = 0.0;
        var progress = new SyncProgress(v => last = Math.Max(last, v));
        var batch = fitted.RequiresFeatures ? fitted.Calibrate(edge, features, default, progress) : fitted.Calibrate(edge, default, progress);
        Assert.Equal(1.0, last);
        Assert.Equal(edge.Rows, batch.Rows);
        int k = edge.Classes;
        var row = new double[k];
        for (int i = 0; i < edge.Rows; i++)
        {
            if (fitted.RequiresFeatures)
            {
                fitted.Calibrate(edge.AsEdgeRow(i), features.AsSpan(i * CalibrationFixture.Dimension, CalibrationFixture.Dimension), row, i);
            }
            else
            {
                fitted.Calibrate(edge.AsEdgeRow(i), row, i);
            }

            Assert.Equal(batch.Row(i).ToArray(), row);
            Assert.All(row, p => Assert.InRange(p, 0.0, 1.0));
            Assert.Equal(1.0, row.Sum(), 9);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Round_trips_through_the_artifact_where_serialisable(string name)
    {
        var fitted = CalibrationFixture.Create(name).Fit(CalibrationFixture.Data());
        var (edge, _) = CalibrationFixture.Test();
        if (fitted.RequiresFeatures)
        {
            var ex = Assert.Throws<NotSupportedException>(fitted.ToArtifact);
            Assert.Contains("last-layer features", ex.Message);
            return;
        }

        string path = _dir.File(name + ".json");
        fitted.ToArtifact().Save(path);
        var loaded = CalibrationArtifact.Load(path);
        Assert.Equal(CalibrationArtifact.CurrentVersion, loaded.Version);
        var restored = FittedCalibrator.FromArtifact(loaded, fitted.Predictor?.Options);
        Assert.Equal(fitted.Name, restored.Name);
        Assert.Equal(fitted.Output, restored.Output);
        Assert.Equal(fitted.Map!.Shape, restored.Map!.Shape);
        Assert.Equal(fitted.Map.Temperature, restored.Map.Temperature);
        Assert.Equal(fitted.Map.Weights.ToArray(), restored.Map.Weights.ToArray());
        Assert.Equal(fitted.Map.Bias.ToArray(), restored.Map.Bias.ToArray());
        Assert.Equal((fitted.Map.Objective, fitted.Map.FitRows, fitted.Map.Regularization), (restored.Map.Objective, restored.Map.FitRows, restored.Map.Regularization));
        Assert.Equal(fitted.Epsilon, restored.Epsilon);
        Assert.Equal(fitted.N, restored.N);
        for (int i = 0; i < edge.Rows && fitted.IsSetValued; i++)
        {
            Assert.Equal(fitted.Predictor!.GammaFor(edge.AsEdgeRow(i)), restored.Predictor!.GammaFor(edge.AsEdgeRow(i)));
        }

        Assert.Equal(fitted.RowThreshold?.GetType(), restored.RowThreshold?.GetType());
        Assert.Equal(fitted.Predictor?.Divergence.Name, restored.Predictor?.Divergence.Name);
        Assert.Equal(fitted.Parameters, restored.Parameters);
        Assert.Equal(fitted.Selection?.Mode, restored.Selection?.Mode);
        Assert.Equal(fitted.Auto?.Candidates, restored.Auto?.Candidates);
        Assert.Equal(fitted.Calibrate(edge).ToArray(), restored.Calibrate(edge).ToArray());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Bad_input_is_rejected_with_a_clear_message(string name)
    {
        var calibrator = CalibrationFixture.Create(name);
        Assert.Throws<ArgumentNullException>(() => calibrator.Fit(null!));
        var fitted = calibrator.Fit(CalibrationFixture.Data());
        var (wrong, _) = CalibrationFixture.Test(classes: 3);
        var ex = Assert.ThrowsAny<ArgumentException>(() => fitted.RequiresFeatures ? fitted.Calibrate(wrong, new double[wrong.Rows * CalibrationFixture.Dimension]) : fitted.Calibrate(wrong));
        Assert.Contains("3", ex.Message);
        Assert.ThrowsAny<ArgumentException>(() => fitted.Calibrate(EdgeRow.FromProbabilities([0.5, 0.5]), new double[1], new double[CalibrationFixture.Classes]));
        Assert.ThrowsAny<OperationCanceledException>(() => calibrator.Fit(CalibrationFixture.Data(), new CancellationToken(true)));
        if (!fitted.IsSetValued)
        {
            var point = Assert.Throws<InvalidOperationException>(() => fitted.Describe(CalibrationFixture.Test().Edge));
            Assert.Contains("point calibration", point.Message);
        }
    }

    [Fact]
    public void Methods_needing_labels_or_features_say_so()
    {
        var data = CalibrationFixture.Data();
        var unlabeled = new CalibrationData(data.Cloud, data.Edge);
        Assert.Contains("labels", Assert.Throws<ArgumentException>(() => new TemperatureScalingCalibrator().Fit(unlabeled)).Message);
        Assert.Contains("features", Assert.Throws<ArgumentException>(() => new LaplaceCalibrator().Fit(new CalibrationData(data.Cloud, data.Edge, data.Labels))).Message);
        Assert.Contains("at least 4", Assert.Throws<ArgumentException>(() => new AutoCalibrator().Fit(CalibrationFixture.Data(rows: 3))).Message);
    }

    [Fact]
    public void Calibration_data_checks_its_inputs_once()
    {
        var data = CalibrationFixture.Data();
        var (other, _) = CalibrationFixture.Test(rows: 10);
        Assert.Contains("rows", Assert.ThrowsAny<ArgumentException>(() => new CalibrationData(data.Cloud, other)).Message);
        Assert.ThrowsAny<ArgumentException>(() => new CalibrationData(data.Cloud, data.Edge, new int[data.Rows - 1]));
        var bad = new int[data.Rows];
        bad[3] = CalibrationFixture.Classes;
        Assert.ThrowsAny<ArgumentException>(() => new CalibrationData(data.Cloud, data.Edge, bad));
    }

    [Fact]
    public void Batch_is_cancellable()
    {
        var fitted = new CdciCalibrator().Fit(CalibrationFixture.Data());
        var (edge, _) = CalibrationFixture.Test(rows: 500);
        Assert.ThrowsAny<OperationCanceledException>(() => fitted.Calibrate(edge, new CancellationToken(true)));
    }

    /// <summary>An <see cref="IProgress{T}"/> that reports synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SyncProgress(Action<double> report) : IProgress<double>
    {
        private readonly Lock _gate = new();

        public void Report(double value)
        {
            lock (_gate)
            {
                report(value);
            }
        }
    }
}
