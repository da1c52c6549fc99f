namespace CredalDistill.Calibration;

/// <summary>One named setting or fitted value of a calibrator, for display (e.g. <c>temperature = 1.37</c>).</summary>
/// <param name="Name">The parameter's name, e.g. <c>temperature</c>, <c>divergence</c>, <c>epsilon</c>, <c>gamma</c>.</param>
/// <param name="Value">Its value, formatted with the invariant culture (<c>+inf</c> for an unbounded gamma).</param>
public readonly record struct CalibratorParameter(string Name, string Value);
