namespace Xainomaly.Detection;

/// <summary>Makes the trainer of a detector kind from user settings.</summary>
public static class DetectorTrainers
{
    /// <summary>The kinds that can be trained, in the order the papers list them.</summary>
    public static IReadOnlyList<string> Kinds { get; } = [SsDeepCae.KindName, VanillaAutoencoder.KindName, LstmAutoencoder.KindName, SemiSupervisedVae.KindName, DeepAutoencoder.KindName, MlpClassifier.KindName, IsolationForestDetector.KindName];

    /// <summary>A trainer for <paramref name="kind"/>; an unknown kind is an <see cref="ArgumentException"/> naming the known ones.</summary>
    public static IDetectorTrainer Create(string kind, TrainerSettings? settings = null)
    {
        settings ??= new TrainerSettings();
        // "paper" means each model's own score in the paper: γ·RE + (1−γ)·‖z‖ for SS-DeepCAE, the reconstruction
        // error for the autoencoder baselines (the MLP, which reconstructs nothing, keeps its head).
        if (settings.Score == "paper" && kind != SsDeepCae.KindName) settings = settings with { Score = "reconstruction" };
        return kind switch
        {
            SsDeepCae.KindName => new SemiSupervisedTrainer(kind, settings, SsDeepCae.Hyperparameters(settings), SsDeepCae.Fit),
            IsolationForestDetector.KindName => new IsolationForestTrainer(new IsolationForestOptions
            {
                TreeCount = settings.Trees ?? 100,
                MaxSamples = settings.MaxSamples,
                Contamination = settings.Contamination,
            }, settings.Threshold),
            VanillaAutoencoder.KindName => new SemiSupervisedTrainer(kind, settings, VanillaAutoencoder.Hyperparameters(settings), VanillaAutoencoder.Fit),
            DeepAutoencoder.KindName => new SemiSupervisedTrainer(kind, settings, DeepAutoencoder.Hyperparameters(settings), DeepAutoencoder.Fit),
            SemiSupervisedVae.KindName => new SemiSupervisedTrainer(kind, settings, SemiSupervisedVae.Hyperparameters(settings), SemiSupervisedVae.Fit),
            MlpClassifier.KindName => new SemiSupervisedTrainer(kind, settings, MlpClassifier.Hyperparameters(settings), MlpClassifier.Fit),
            LstmAutoencoder.KindName => LstmAutoencoder.CreateTrainer(settings),
            _ => throw new ArgumentException($"Unknown detector '{kind}'; expected one of {string.Join(", ", Kinds)}.", nameof(kind)),
        };
    }
}
