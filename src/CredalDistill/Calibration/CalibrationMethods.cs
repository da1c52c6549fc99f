namespace CredalDistill.Calibration;

/// <summary>
/// The registry of calibration methods: name to <see cref="CalibrationMethod"/> (how to create it, what it needs, what its
/// artifact holds, its help text). Every front end reads it: artifacts are validated against it, the CLI builds
/// <c>--method</c>, its checks and its help from it, <c>auto</c> takes its candidates from it, and the experiments create
/// their methods through it. To add a method, write its calibrator with a <c>Method</c> entry and add one line below
/// (docs/EXTENDING.md); a label-free point map marked <see cref="CalibrationMethod.Composable"/> also gets its
/// <c>&lt;name&gt;+cdci</c> entry here.
/// </summary>
public static class CalibrationMethods
{
    private static readonly CalibrationMethod[] Registered =
    [
        CdciCalibrator.Method,
        DistilledTemperatureCalibrator.Method,
        DistilledVectorScalingCalibrator.Method,
        DistilledMatrixScalingCalibrator.Method,
        TemperatureScalingCalibrator.Method,
        VectorScalingCalibrator.Method,
        MatrixScalingCalibrator.Method,
        AutoCalibrator.Method,
        LaplaceCalibrator.Kronecker,
        LaplaceCalibrator.Diagonal,
        LaplaceCalibrator.Full,
    ];

    /// <summary>Every method: the registered ones, each composable map followed by its <c>+cdci</c> form.</summary>
    public static IReadOnlyList<CalibrationMethod> All { get; } = [.. Registered.SelectMany(m => m.Composable ? [m, MapThenCdciCalibrator.Entry(m)] : new[] { m })];

    /// <summary>The methods that save to an artifact, in documentation order (the CLI's <c>--method</c> values).</summary>
    public static IReadOnlyList<CalibrationMethod> Saved { get; } = [.. All.Where(m => m.Saves)];

    /// <summary>The names of <see cref="Saved"/>, comma-separated, for help texts and messages.</summary>
    public static string Names { get; } = string.Join(", ", Saved.Select(m => m.Name));

    /// <summary>The method named <paramref name="name"/> (exact, lower case), or false.</summary>
    public static bool TryGet(string? name, out CalibrationMethod method)
    {
        method = All.FirstOrDefault(m => m.Name == name)!;
        return method is not null;
    }

    /// <summary>The method named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No such method; the message lists the valid names.</exception>
    public static CalibrationMethod Get(string name)
        => TryGet(name, out var method) ? method : throw new ArgumentException($"unknown method '{name}'; expected one of {Names}", nameof(name));
}
