using Xainomaly.Detection;

namespace Xainomaly.Evaluation.Tuning;

/// <summary>How <see cref="HyperparameterSearch"/> evaluates configurations.</summary>
public sealed record HyperparameterSearchOptions
{
    /// <summary>Detector kind (<see cref="DetectorTrainers.Kinds"/>).</summary>
    public string Kind { get; init; } = SsDeepCae.KindName;

    /// <summary>Settings every configuration starts from (its own values override them).</summary>
    public TrainerSettings BaseSettings { get; init; } = new();

    /// <summary>Folds of the stratified k-fold over the budget's labelled rows.</summary>
    public int Folds { get; init; } = 5;

    /// <summary>Seed of the fold split and of every training run.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Cap on optimiser steps per training (null = as configured).</summary>
    public int? MaxSteps { get; init; }

    /// <summary>Ranking objective.</summary>
    public TuningObjective Objective { get; init; } = TuningObjective.Uar;

    /// <summary>Configurations trained at once (each run single-threaded).</summary>
    public int Parallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Directory of finished configurations (resume); null = no cache.</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>Text identifying the data and budget in cache keys (e.g. the file's SHA-256 and the budget).</summary>
    public string DataKey { get; init; } = "";

    /// <summary>Keep out-of-fold reconstruction errors (depth study).</summary>
    public bool KeepReconstructionErrors { get; init; }
}
