namespace CredalDistill.Baselines;

/// <summary>
/// Structure of the last-layer generalised Gauss-Newton (GGN) Hessian
/// <c>H = sum_i J_i^T Lambda_i J_i</c>, <c>Lambda_i = diag(p_i) - p_i p_i^T</c>, <c>J_i = I_K (x) a_i^T</c>,
/// <c>a_i = [phi_i, 1]</c>, used by <see cref="LastLayerLaplace"/>. Parameters are ordered class-major:
/// index <c>k (D + 1) + d</c> is <c>W_kd</c> for <c>d &lt; D</c> and <c>b_k</c> for <c>d = D</c>.
/// </summary>
public enum LastLayerLaplaceKind
{
    /// <summary>
    /// Diagonal of the GGN only: <c>H_(k,d),(k,d) = sum_i p_ik (1 - p_ik) a_id^2</c>; posterior variance
    /// <c>1 / (H_(k,d),(k,d) + delta)</c> (the paper's choice for vision).
    /// </summary>
    Diagonal = 0,

    /// <summary>
    /// Kronecker-factored GGN (KFAC): <c>H ~ G (x) A</c> with <c>A = sum_i a_i a_i^T</c> (<c>(D+1) x (D+1)</c>) and
    /// <c>G = (1/n) sum_i Lambda_i</c> (<c>K x K</c>); exact when <c>Lambda_i</c> does not depend on <c>i</c>.
    /// Posterior covariance <c>(Q_G (x) Q_A) diag(1 / (l_G l_A + delta)) (Q_G (x) Q_A)^T</c> from the eigendecompositions
    /// of the factors.
    /// </summary>
    KroneckerFactored = 1,

    /// <summary>
    /// The full GGN <c>H = sum_i Lambda_i (x) a_i a_i^T</c> (the paper's choice for language), posterior covariance
    /// <c>(H + delta I)^-1</c> through one eigendecomposition of <c>H</c>. Limited to
    /// <see cref="LastLayerLaplace.MaximumFullParameters"/> parameters <c>P = K (D + 1)</c>.
    /// </summary>
    Full = 2,
}
