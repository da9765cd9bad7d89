import { z } from 'zod';

/**
 * A patient of the cohort. Only a pseudonym is ever stored, never a name: the pattern allows
 * no spaces and asks for at least one digit (study codes like `P07`, `DM-012`), so a plain name
 * such as "Smith" or "Anna Berg" is refused at the boundary rather than stored.
 */
export const PSEUDONYM_PATTERN = /^(?=.*\d)[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const Pseudonym = z
  .string()
  .trim()
  .regex(PSEUDONYM_PATTERN, 'expected a pseudonym (letters, digits, . _ -, at least one digit, no spaces), never a name');
export type Pseudonym = z.infer<typeof Pseudonym>;

/** Idiopathic inflammatory myopathy subgroups of the study. */
export const Diagnosis = z.enum(['DM', 'PM', 'IBM', 'IMNM', 'ASS']);
export type Diagnosis = z.infer<typeof Diagnosis>;

export const Patient = z.object({
  pseudonym: Pseudonym,
  diagnosis: Diagnosis,
});
export type Patient = z.infer<typeof Patient>;
