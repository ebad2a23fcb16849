namespace Xainomaly.Detection;

/// <summary>
/// The parts of the SS-DeepCAE mini-batch loss, each averaged over the N rows of the batch:
/// <see cref="Reconstruction"/> = mean ‖x − x̂‖², <see cref="Contractive"/> = mean ‖∂z/∂x‖²_F (before λ_c),
/// <see cref="Classification"/> = mean α·BCE (already weighted), and
/// <see cref="Total"/> = Reconstruction + λ_c·Contractive + Classification, the value minimised.
/// </summary>
public readonly record struct SsDeepCaeLoss(double Reconstruction, double Contractive, double Classification, double Total);
