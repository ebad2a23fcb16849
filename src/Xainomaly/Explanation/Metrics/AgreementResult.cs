namespace Xainomaly.Explanation.Metrics;

/// <summary>
/// How closely one method's explanations match a reference's on the same rows (features ranked by |φ|).
/// </summary>
/// <param name="Method">The compared method.</param>
/// <param name="Reference">The reference method (e.g. <c>exact</c> or <c>kernel</c>).</param>
/// <param name="Rows">Rows compared.</param>
/// <param name="Top1">Share of rows whose most important feature is the reference's.</param>
/// <param name="Top3SameSet">Share of rows whose top-3 feature set equals the reference's (order ignored).</param>
/// <param name="Top3AnyOverlap">Share of rows whose top-3 set shares at least one feature with the reference's.</param>
/// <param name="Top3Jaccard">Mean over rows of |A ∩ B| / |A ∪ B| of the two top-3 sets.</param>
/// <param name="MeanAbsoluteError">Mean over rows and features of |φ − φ_ref|.</param>
/// <param name="RelativeL1Error">Σ|φ − φ_ref| / Σ|φ_ref| over all rows: the mean per-row L1 error as a share of mean Σ|φ_ref|.</param>
/// <param name="MeanCosine">Mean over rows of the cosine similarity of φ and φ_ref (1 when both are zero, 0 when one is).</param>
public sealed record AgreementResult(
    string Method,
    string Reference,
    int Rows,
    double Top1,
    double Top3SameSet,
    double Top3AnyOverlap,
    double Top3Jaccard,
    double MeanAbsoluteError,
    double RelativeL1Error,
    double MeanCosine);
