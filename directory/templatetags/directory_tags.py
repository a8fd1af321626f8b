from django import template

from directory import formats

register = template.Library()

register.filter(formats.gbp)
register.filter(formats.gbp_short)
