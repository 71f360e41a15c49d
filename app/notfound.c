/*
 * Unknown paths under /api/ answer a JSON problem, not Kore's HTML.
 */
#include "postroom.h"

int	pr_api_notfound(struct http_request *);

int
pr_api_notfound(struct http_request *req)
{
	pr_respond_problem(req, HTTP_STATUS_NOT_FOUND, PR_PROBLEM_NOT_FOUND,
	    "Not found", "no such endpoint");
	return (KORE_RESULT_OK);
}
