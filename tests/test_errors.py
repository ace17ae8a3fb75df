"""Every way to call the arithmetic wrongly raises an error that names the argument and
says what is allowed. Each test checks the message, not only the exception type."""

import pytest

from samepad_viz.arithmetic import (
    effective_kernel_size,
    keras_output_size,
    output_size,
    output_size_formula,
    same_padding,
    torch_padding,
    window_indices,
)

# The functions that take (size, kernel_size, stride, ..., dilation), called with keywords.
SIZE_FUNCTIONS = {
    "output_size": output_size,
    "keras_output_size": keras_output_size,
    "same_padding": same_padding,
    "torch_padding": torch_padding,
    "output_size_formula": output_size_formula,
    "window_indices": window_indices,
}
PER_DIMENSION_FUNCTIONS = ["output_size", "keras_output_size", "same_padding", "torch_padding"]


def call(name, size=30, kernel_size=3, **kwargs):
    return SIZE_FUNCTIONS[name](size, kernel_size, **kwargs)


# ---------------------------------------------------------------------------------------
# types: bools, floats, strings
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("function", SIZE_FUNCTIONS)
@pytest.mark.parametrize("argument", ["size", "kernel_size", "stride", "dilation"])
def test_bool_sizes_are_refused_with_a_hint_to_write_the_number(function, argument):
    with pytest.raises(TypeError, match=rf"^{argument} must be an int, not a bool \(True\); "):
        call(function, **{argument: True})


def test_bool_false_hint_names_the_number_false_stands_for():
    with pytest.raises(TypeError, match=r"not a bool \(False\); write the number itself \(0, "):
        output_size(30, 3, dilation=False)


def test_bool_inside_a_size_tuple_names_its_index():
    with pytest.raises(TypeError, match=r"^size\[1\] must be an int, not a bool \(True\)"):
        same_padding((30, True), 3)


@pytest.mark.parametrize("function", SIZE_FUNCTIONS)
@pytest.mark.parametrize("argument", ["size", "kernel_size", "stride", "dilation"])
def test_float_sizes_are_refused_naming_the_argument_and_the_value(function, argument):
    with pytest.raises(TypeError, match=rf"^{argument} must be an int, got float 2\.0$"):
        call(function, **{argument: 2.0})


def test_float_padding_is_refused():
    with pytest.raises(TypeError, match=r"^padding must be an int, got float 1\.5$"):
        output_size(30, 3, padding=1.5)


def test_string_padding_in_output_size_points_to_keras_output_size():
    with pytest.raises(TypeError, match=r"got the string 'same'; .* use keras_output_size"):
        output_size(30, 3, padding="same")


def test_non_bool_ceil_mode_is_refused():
    with pytest.raises(TypeError, match=r"^ceil_mode must be True or False, got 1$"):
        output_size(30, 3, ceil_mode=1)


# ---------------------------------------------------------------------------------------
# ranges
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("function", SIZE_FUNCTIONS)
@pytest.mark.parametrize("argument", ["size", "kernel_size", "stride", "dilation"])
@pytest.mark.parametrize("value", [0, -3])
def test_sizes_below_1_are_refused(function, argument, value):
    with pytest.raises(ValueError, match=rf"^{argument} must be >= 1, got {value}$"):
        call(function, **{argument: value})


def test_size_below_1_inside_a_tuple_names_its_index():
    with pytest.raises(ValueError, match=r"^size\[0\] must be >= 1, got 0$"):
        output_size((0, 5), 3)


@pytest.mark.parametrize("argument", ["kernel_size", "dilation"])
def test_effective_kernel_size_refuses_values_below_1(argument):
    args = {"kernel_size": 3, "dilation": 1, argument: 0}
    with pytest.raises(ValueError, match=rf"^{argument} must be >= 1, got 0$"):
        effective_kernel_size(**args)


@pytest.mark.parametrize("function", ["output_size", "output_size_formula", "window_indices"])
def test_negative_padding_is_refused(function):
    with pytest.raises(ValueError, match=r"^padding must be >= 0 \(no negative padding\), got -1$"):
        call(function, padding=-1)


@pytest.mark.parametrize("side, padding", [("before", (-1, 0)), ("after", (0, -2))])
def test_negative_padding_in_a_pair_names_the_side(side, padding):
    with pytest.raises(ValueError, match=rf"^padding \({side}\) must be >= 0 .*got -"):
        output_size(30, 3, padding=padding)


# ---------------------------------------------------------------------------------------
# kernels that do not fit
# ---------------------------------------------------------------------------------------


def test_kernel_larger_than_the_input_names_both_numbers():
    with pytest.raises(ValueError, match=r"^kernel_size 5 is larger than the padded input 4 "):
        output_size(4, 5)


def test_dilated_kernel_larger_than_the_padded_input_names_the_dilated_size_and_the_padding():
    message = (
        r"^kernel_size 5 \(dilated to 9\) is larger than the padded input 7 "
        r"\(size 5 \+ padding 1 \+ 1\); use more padding, padding='same' or a smaller kernel$"
    )
    with pytest.raises(ValueError, match=message):
        output_size(5, 5, padding=1, dilation=2)


def test_kernel_too_large_in_one_dimension_says_which_dimension():
    with pytest.raises(ValueError, match=r"larger than the padded input 7 .* in dimension 1; "):
        keras_output_size((7, 7), (3, 5), padding="valid", dilation=(1, 2))


def test_keras_valid_refuses_a_kernel_larger_than_the_input():
    with pytest.raises(ValueError, match=r"^kernel_size 4 is larger than the padded input 3 "):
        keras_output_size(3, 4, padding="valid")


def test_ceil_mode_still_refuses_a_kernel_that_overhangs_by_a_stride_or_more():
    with pytest.raises(ValueError, match=r"^kernel_size 3 is larger than the padded input 1 "):
        output_size(1, 3, stride=2, ceil_mode=True)


@pytest.mark.parametrize("function", ["output_size_formula", "window_indices"])
def test_one_dimension_helpers_refuse_a_kernel_that_does_not_fit(function):
    with pytest.raises(ValueError, match=r"^kernel_size 7 is larger than the padded input 6 "):
        call(function, size=4, kernel_size=7, padding=1)


# ---------------------------------------------------------------------------------------
# Keras padding modes
# ---------------------------------------------------------------------------------------


def test_unknown_padding_mode_lists_the_allowed_ones():
    with pytest.raises(
        ValueError, match=r"^padding must be one of 'valid', 'same', 'causal', got 'full'$"
    ):
        keras_output_size(30, 3, padding="full")


@pytest.mark.parametrize("mode, shown", [(1, "int 1"), (None, "NoneType None")])
def test_non_string_padding_mode_points_to_output_size(mode, shown):
    with pytest.raises(TypeError, match=rf"got {shown}; for a number of cells use output_size$"):
        keras_output_size(30, 3, padding=mode)


def test_causal_padding_is_refused_for_2d_sizes():
    with pytest.raises(
        ValueError, match=r"^padding='causal' exists only for 1-D layers \(Conv1D\), but size "
    ):
        keras_output_size((30, 30), 3, padding="causal")


# ---------------------------------------------------------------------------------------
# tuple lengths
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("function", PER_DIMENSION_FUNCTIONS)
@pytest.mark.parametrize("argument", ["kernel_size", "stride", "dilation"])
def test_per_dimension_argument_with_the_wrong_length_is_refused(function, argument):
    message = rf"^{argument} has 3 entries but size has 2 dimensions; give one value for all"
    with pytest.raises(ValueError, match=message):
        call(function, size=(30, 30), **{argument: (1, 1, 1)})


def test_padding_with_the_wrong_number_of_dimensions_is_refused():
    with pytest.raises(ValueError, match=r"^padding has 2 entries but size has 1 dimension; "):
        output_size((30,), 3, padding=(1, 1))


@pytest.mark.parametrize("function", PER_DIMENSION_FUNCTIONS)
def test_tuple_argument_with_an_int_size_asks_for_a_tuple_size(function):
    message = r"^kernel_size is the tuple \(3, 3\) but size is the single int 30; .* tuple too"
    with pytest.raises(TypeError, match=message):
        call(function, kernel_size=(3, 3))


def test_effective_kernel_size_refuses_mismatched_tuples():
    with pytest.raises(ValueError, match=r"^dilation has 3 entries but kernel_size has 2; "):
        effective_kernel_size((3, 2), (1, 2, 3))


@pytest.mark.parametrize("padding", [(1, 2, 3), (1,), ()])
def test_padding_pair_of_the_wrong_length_is_refused(padding):
    with pytest.raises(ValueError, match=r"^padding must be an int or a \(before, after\) pair"):
        output_size(30, 3, padding=padding)


def test_per_dimension_padding_pairs_with_an_int_size_are_refused():
    with pytest.raises(TypeError, match=r"for one dimension, got \(\(1, 1\), \(0, 1\)\); .*tuple"):
        output_size(30, 3, padding=((1, 1), (0, 1)))


def test_empty_size_tuple_is_refused():
    with pytest.raises(ValueError, match=r"^size must be an int or a non-empty tuple of ints"):
        same_padding((), 3)


@pytest.mark.parametrize("function", ["output_size_formula", "window_indices"])
def test_one_dimension_helpers_refuse_a_size_tuple(function):
    with pytest.raises(
        TypeError, match=rf"^{function} works on one dimension: size must be an int"
    ):
        call(function, size=(30, 30))
