namespace CredalDistill.Calibration;

/// <summary>The structure of a <see cref="CalibrationMap"/> <c>q = softmax(A l + b)</c> on log-probabilities <c>l</c>.</summary>
public enum MapShape
{
    /// <summary><c>identity</c>: <c>q = p</c>.</summary>
    Identity,

    /// <summary><c>temperature</c>: <c>A = I / T</c>, <c>b = 0</c>.</summary>
    Temperature,

    /// <summary><c>vector</c>: <c>A = diag(w)</c>, bias <c>b</c> (vector scaling).</summary>
    Vector,

    /// <summary><c>matrix</c>: a full <c>A = W</c>, bias <c>b</c> (matrix scaling of log-probabilities, Dirichlet calibration).</summary>
    Matrix,
}
