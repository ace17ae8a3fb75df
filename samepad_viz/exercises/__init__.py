"""Exercise checkers for the notebooks: one module per chapter.

Each checker takes the learner's answer and prints (and returns) whether it is right and
why, computing the truth with :mod:`samepad_viz.arithmetic` or the real frameworks. A
notebook's exercise cell calls one checker in one line.
"""
