namespace Xainomaly.Evaluation.Tuning;

/// <summary>What a hyper-parameter search maximises on each fold's held-out budget labels.</summary>
public enum TuningObjective
{
    /// <summary>Unweighted average recall at the detector's own threshold τ (the paper's metric).</summary>
    Uar,

    /// <summary>F1 of the anomalous class at τ.</summary>
    F1,

    /// <summary>ROC-AUC of the scores (threshold-free).</summary>
    RocAuc,
}
