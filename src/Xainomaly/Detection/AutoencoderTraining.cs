using Xainomaly.Numerics;

namespace Xainomaly.Detection;

/// <summary>
/// The training settings every semi-supervised autoencoder shares (SPEC §2: Adam, learning rate 1e-3, batches of 64
/// mixing B_l = 16 labelled and B_u = 48 unlabelled rows, 10,000 steps, label-loss weight λ = 1), resolved from the
/// user's <see cref="TrainerSettings"/>.
/// </summary>
/// <param name="Steps">Adam steps.</param>
/// <param name="BatchSize">Rows per mini-batch.</param>
/// <param name="LabelledPerBatch">Labelled rows per mini-batch (B_l).</param>
/// <param name="LearningRate">Adam learning rate.</param>
/// <param name="LabelWeight">λ, the weight α of a labelled row's BCE.</param>
internal sealed record AutoencoderTraining(int Steps, int BatchSize, int LabelledPerBatch, float LearningRate, float LabelWeight)
{
    public static AutoencoderTraining From(TrainerSettings settings)
    {
        var t = new AutoencoderTraining(
            settings.Steps ?? 10_000,
            settings.BatchSize ?? 64,
            settings.LabelledPerBatch ?? 16,
            settings.LearningRate ?? 1e-3f,
            settings.LabelWeight ?? 1f);
        if (t.Steps < 1) throw new ArgumentException($"--steps {t.Steps}: expected at least 1.", "--steps");
        if (t.BatchSize < 1) throw new ArgumentException($"--batch-size {t.BatchSize}: expected at least 1.", "--batch-size");
        if (t.LabelledPerBatch < 0 || t.LabelledPerBatch > t.BatchSize)
            throw new ArgumentException($"--labelled-per-batch {t.LabelledPerBatch}: expected 0 to the batch size {t.BatchSize}.", "--labelled-per-batch");
        if (!(t.LearningRate > 0)) throw new ArgumentException($"--learning-rate {t.LearningRate}: expected a positive number.", "--learning-rate");
        if (!(t.LabelWeight >= 0)) throw new ArgumentException($"--label-weight {t.LabelWeight}: expected a non-negative number.", "--label-weight");
        return t;
    }

    /// <summary>The mini-batch sampler of a fit request.</summary>
    public SemiSupervisedBatches Batches(NetworkFitRequest request, Rng rng)
    {
        int b = BatchSize;
        int total = request.Labelled.Length + request.Unlabelled.Length;
        if (total == 0) throw new ArgumentException("No training rows: the training pool is empty.");
        return new SemiSupervisedBatches(request.Data, request.Labelled, request.Unlabelled, b, LabelledPerBatch, LabelWeight, rng);
    }
}
