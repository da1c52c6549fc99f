namespace CredalDistill.Numerics;

/// <summary>
/// A scalar function of one variable with its first derivative, implemented by structs so that generic
/// root finders are inlined and allocate nothing.
/// </summary>
internal interface IScalarFunction
{
    /// <summary>The value <c>g(x)</c> (may be +infinity).</summary>
    double Value(double x);

    /// <summary>The derivative <c>g'(x)</c> (may be infinite or NaN where undefined).</summary>
    double Slope(double x);
}
