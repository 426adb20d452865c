namespace SmartCity.Inference;

/// <summary>
/// The model answered NaN or infinity for an item: its arithmetic overflowed, most likely because
/// the input (a tensor sent directly) is far outside the range the model was built for. No such
/// value is ever returned; retrying the same input gives the same answer.
/// </summary>
public sealed class NonFiniteOutputException(string model)
    : InferenceException("non-finite-output", $"The output of model '{model}' for this input is not a finite number (NaN or infinity); the input is likely far outside the range the model expects.")
{
    public string Model { get; } = model;
}
