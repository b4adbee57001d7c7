#pragma once

// Parsing and checking of Swedish identifiers: personnummer, samordningsnummer,
// organisationsnummer, kommunkod, and calendar dates.
//
// All functions are pure (no I/O, no clock) and thread-safe. Errors are
// INVALID_ARGUMENT with a short English message that says what is wrong and never
// contains the input, so a message may be logged or sent to a client.

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

namespace fhv::validation {

// A personnummer or samordningsnummer (coordination number: day + 60), normalised.
struct PersonalIdentity {
  std::string digits;         // 12 digits, YYYYMMDDNNNC (day + 60 kept for a samordningsnummer).
  absl::CivilDay birth_date;  // The real date of birth (day - 60 for a samordningsnummer).
  bool coordination_number = false;  // True for a samordningsnummer.
};

// Parses a personnummer or samordningsnummer given as 10 digits (YYMMDDNNNC), 10 digits with
// separator ('-' for under 100 years old, '+' for 100 or older, as on the date `today`),
// 12 digits (YYYYMMDDNNNC) or 12 digits with '-' (YYYYMMDD-NNNC). A 10-digit form without
// separator is taken as under 100 years old. ASCII whitespace around the input is ignored.
//
// For the 10-digit forms the century is chosen so that the date of birth is the latest one
// not after `today`; '+' moves it a further 100 years back.
//
// Checks the date (samordningsnummer: day 61..91, i.e. a valid day + 60), that the year of
// birth is 1800 or later, that the date is not after `today`, and the Luhn check digit over
// the 10-digit form. Returns INVALID_ARGUMENT otherwise.
absl::StatusOr<PersonalIdentity> ParsePersonalIdentity(std::string_view input,
                                                       absl::CivilDay today);

// Parses an organisationsnummer: 10 digits with or without '-' after the 6th digit
// (NNNNNN-NNNN), or 12 digits with the prefix "16". ASCII whitespace around the input is
// ignored. Checks the Luhn digit over the 10 digits and that the third digit is >= 2 (legal
// persons; a sole trader's personnummer is therefore rejected). Returns the 10 digits, or
// INVALID_ARGUMENT.
absl::StatusOr<std::string> ParseOrganisationsnummer(std::string_view input);

// Checks a kommunkod: exactly 4 digits (no whitespace tolerated, since the caller keeps its
// own copy) whose first two (the county, län) are one of
// 01,03,04,05,06,07,08,09,10,12,13,14,17,18,19,20,21,22,23,24,25. Existence of the
// municipality is checked against data elsewhere, not here. Returns INVALID_ARGUMENT otherwise.
absl::Status CheckKommunkod(std::string_view code);

// Checks a calendar date given as year/month/day (1900 <= year <= 9999) and returns it.
// Returns INVALID_ARGUMENT if the year is out of range or the date does not exist.
absl::StatusOr<absl::CivilDay> ParseDate(int year, int month, int day);

// True if `digits` is non-empty, holds only '0'-'9' and passes the Luhn (mod 10) check,
// the last digit being the check digit.
bool LuhnValid(std::string_view digits);

}  // namespace fhv::validation
